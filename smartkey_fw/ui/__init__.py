"""Screens and drawing for the OLED.

Screens get ``context.Context`` (what a screen may read and do); ``template.py`` is one to copy.
Families: ``pin_flows`` (first boot, unlock, change PIN), ``codes`` (the main screen),
``main_menu`` (its entries by key), ``typing_options``, ``qr_export``, ``about`` (About, Help).
Widgets they share: ``message``, ``confirm``, ``pin_entry``, ``menu``, ``qr_view``; drawing:
``canvas``, ``font``, ``display``.
"""
