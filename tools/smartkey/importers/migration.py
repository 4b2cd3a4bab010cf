"""Google Authenticator's "Transfer accounts" export: ``otpauth-migration://offline?data=…``.

``data`` is the base64 of a protobuf ``MigrationPayload``, the schema below (as Aegis and other
importers describe it). Its message class is made from a descriptor built here in code, so no
``protoc`` output is needed. A large export is split over several QR codes, each a "batch" that
knows its index, the batch count and an id shared by the set; :class:`Batches` refuses a set with
a member missing, so an export is never half imported.

    message MigrationPayload {
      message OtpParameters {
        bytes secret = 1; string name = 2; string issuer = 3;
        Algorithm algorithm = 4;  // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
        DigitCount digits = 5;    // 0 unspecified, 1 six, 2 eight
        OtpType type = 6;         // 0 unspecified, 1 HOTP, 2 TOTP
        int64 counter = 7;
      }
      repeated OtpParameters otp_parameters = 1;
      int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
    }
"""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from smartkey.account import Account
from smartkey.importers.errors import ImportFailed
from smartkey.importers.fields import entry
from smartkey.uri import strip_issuer

SCHEME = "otpauth-migration"
_PACKAGE = "smartkey.googleauth"
# Enums are read as plain integers: proto3 enums are open, and a value this code does not know
# must become a clear error rather than a default.
_ALGORITHMS = {0: "SHA1", 1: "SHA1", 2: "SHA256", 3: "SHA512"}
_DIGITS = {0: 6, 1: 6, 2: 8}
_TYPES = {1: "hotp", 2: "totp"}
# (name, number, protobuf type) of each field; the types are FieldDescriptorProto.Type values.
_BYTES, _STRING, _INT32, _INT64 = "TYPE_BYTES", "TYPE_STRING", "TYPE_INT32", "TYPE_INT64"
_OTP_FIELDS = (
    ("secret", 1, _BYTES),
    ("name", 2, _STRING),
    ("issuer", 3, _STRING),
    ("algorithm", 4, _INT32),
    ("digits", 5, _INT32),
    ("type", 6, _INT32),
    ("counter", 7, _INT64),
)
_PAYLOAD_FIELDS = (
    ("version", 2, _INT32),
    ("batch_size", 3, _INT32),
    ("batch_index", 4, _INT32),
    ("batch_id", 5, _INT32),
)


@functools.cache
def payload_class() -> Any:
    """The protobuf message class of ``MigrationPayload`` (built once, on first use)."""
    # Imported here: protobuf is slow to load and only this export needs it.
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field_type = descriptor_pb2.FieldDescriptorProto
    optional, repeated = field_type.LABEL_OPTIONAL, field_type.LABEL_REPEATED
    proto = descriptor_pb2.FileDescriptorProto(
        name="smartkey/googleauth_migration.proto", package=_PACKAGE, syntax="proto3"
    )
    payload = proto.message_type.add(name="MigrationPayload")
    otp = payload.nested_type.add(name="OtpParameters")
    for name, number, kind in _OTP_FIELDS:
        otp.field.add(name=name, number=number, type=getattr(field_type, kind), label=optional)
    payload.field.add(
        name="otp_parameters",
        number=1,
        type=field_type.TYPE_MESSAGE,
        type_name=f".{_PACKAGE}.MigrationPayload.OtpParameters",
        label=repeated,
    )
    for name, number, kind in _PAYLOAD_FIELDS:
        payload.field.add(name=name, number=number, type=getattr(field_type, kind), label=optional)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    descriptor = pool.FindMessageTypeByName(f"{_PACKAGE}.MigrationPayload")
    return message_factory.GetMessageClass(descriptor)


@dataclass
class Batch:
    """The accounts of one otpauth-migration URI, and where it sits in its export."""

    accounts: list[Account]
    size: int
    index: int
    batch_id: int
    data: bytes = field(repr=False)


def decode(uri: str) -> Batch:
    """The batch an ``otpauth-migration://offline?data=…`` URI holds; ``ValueError`` if invalid."""
    from google.protobuf.message import DecodeError

    scheme, _, rest = uri.strip().partition("://")
    host, _, query = rest.partition("?")
    if scheme.lower() != SCHEME or host.lower() != "offline":
        raise ValueError("uri must start with otpauth-migration://offline?")
    data = dict(parse_qsl(query)).get("data")
    if not data:
        raise ValueError("data is missing")
    # A '+' the URI forgot to escape arrives as a space; base64 never holds a space.
    raw = _unbase64(data.replace(" ", "+"))
    payload = payload_class()()
    try:
        payload.ParseFromString(raw)
    except DecodeError:
        raise ValueError("data is not a Google Authenticator export payload") from None
    size, index = payload.batch_size, payload.batch_index
    if size > 1 and not 0 <= index < size:
        raise ValueError(f"batch index {index} is out of range for a batch of {size}")
    count = len(payload.otp_parameters)
    accounts = [_account(i, count, otp) for i, otp in enumerate(payload.otp_parameters)]
    return Batch(accounts, max(size, 1), index, payload.batch_id, raw)


class Batches:
    """Collects the batches of one or more exports and checks that every set is complete."""

    def __init__(self) -> None:
        self._seen: dict[tuple[int, int], Batch] = {}
        self._sizes: dict[int, int] = {}

    def add(self, batch: Batch) -> bool:
        """Record ``batch``; False if the very same batch was already added (scanned twice)."""
        if batch.size == 1:
            return True
        key = (batch.batch_id, batch.index)
        seen = self._seen.get(key)
        if seen is not None:
            if seen.data != batch.data:
                raise ValueError(
                    f"batch {batch.index + 1} of {batch.size} appears twice, different"
                )
            return False
        if self._sizes.setdefault(batch.batch_id, batch.size) != batch.size:
            raise ValueError("batches of one export disagree on how many batches there are")
        self._seen[key] = batch
        return True

    def check_complete(self) -> None:
        for batch_id, size in self._sizes.items():
            missing = [i + 1 for i in range(size) if (batch_id, i) not in self._seen]
            if missing:
                numbers = ", ".join(map(str, missing))
                raise ImportFailed(
                    f"the Google Authenticator export is incomplete: QR code {numbers} of {size} "
                    "is missing (give all of its QR code images to one command)"
                )


def _unbase64(data: str) -> bytes:
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("data must be base64") from None


def _account(index: int, count: int, otp: Any) -> Account:
    issuer, name = otp.issuer, otp.name
    if issuer:
        name = strip_issuer(name, issuer)
    elif ":" in name:
        # Google Authenticator keeps a label's "Issuer:" prefix in the name when there was no
        # issuer parameter; split it as the URI would have been.
        issuer, _, name = name.partition(":")
        issuer, name = issuer.strip(" "), name.strip(" ")
    try:
        kind = _TYPES.get(otp.type)
        if kind is None:
            raise ValueError(f"type {otp.type} is not supported (1, HOTP, and 2, TOTP, are)")
        algorithm = _ALGORITHMS.get(otp.algorithm)
        if algorithm is None:
            shown = "MD5" if otp.algorithm == 4 else str(otp.algorithm)
            raise ValueError(f"algorithm {shown} is not supported (SHA1, SHA256, SHA512 are)")
        digits = _DIGITS.get(otp.digits)
        if digits is None:
            raise ValueError(f"digits {otp.digits} is not supported (1, six, and 2, eight, are)")
        return Account(
            secret=otp.secret,
            name=name,
            issuer=issuer,
            type=kind,
            algorithm=algorithm,
            digits=digits,
            counter=otp.counter if kind == "hotp" else 0,
        )
    except ValueError as error:
        raise ValueError(f"{entry(index, count, issuer, name)}: {error}") from None
