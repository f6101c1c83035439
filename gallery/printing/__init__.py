"""Print-ready sticker sheets: layouts as data, sheet planning, previews and PDF rendering."""
