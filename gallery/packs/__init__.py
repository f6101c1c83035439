"""Sticker packs: finished exports that printers publish for volunteers to download.

Their rule (a pack is public only while every work in it is public and printable) is the
lifecycle's, asked in ``operations``; ``views`` and ``blueprint`` are the web side.
"""
