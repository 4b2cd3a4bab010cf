"""Screens and drawing for the OLED."""
