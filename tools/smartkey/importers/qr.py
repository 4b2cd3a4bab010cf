"""QR codes in images (PNG, JPEG): screenshots of a site's setup page or of an app's export.

Every QR code in the image is read (zxing-cpp); those holding an ``otpauth://`` or
``otpauth-migration://`` URI are returned, in the decoder's order, and any others (a link beside
the code on a screenshot) are not accounts and are left out.
"""

from __future__ import annotations

import io
import warnings

from smartkey.importers.errors import ImportFailed

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_URI_PREFIXES = ("otpauth:", "otpauth-migration:")


def is_image(data: bytes) -> bool:
    """Whether ``data`` starts like a PNG or a JPEG file."""
    return data.startswith(_MAGIC)


def read(data: bytes, where: str = "") -> list[tuple[str, str]]:
    """(where, text) of each otpauth QR code in the image; :class:`ImportFailed` if none."""
    # Imported here: only images need the decoders, and they are slow to load.
    import zxingcpp
    from PIL import Image

    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    try:
        with warnings.catch_warnings():
            # A decompression-bomb-sized image is an error below, not a warning to print.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                gray = image.convert("L")
        codes = zxingcpp.read_barcodes(gray, formats=qr_only, text_mode=zxingcpp.TextMode.Plain)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImportFailed(f"{where}the image is too large to read") from None
    except Exception:
        # Pillow and the decoder raise many kinds of error on a damaged file; all mean the same.
        raise ImportFailed(
            f"{where}the image could not be read: damaged, or not a PNG or JPEG"
        ) from None
    found = [
        (f"{where}QR code {number}", code.text.strip())
        for number, code in enumerate(codes, 1)
        if code.text.strip()[:20].lower().startswith(_URI_PREFIXES)
    ]
    if not found:
        others = f" ({len(codes)} other QR codes)" if codes else ""
        raise ImportFailed(f"{where}no otpauth QR code found in the image{others}")
    return found
