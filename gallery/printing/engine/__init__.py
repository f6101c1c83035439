"""The print engine: layouts, gLabels import, sheet planning, outlines, rasters, PDF rendering
and post-processing, true-size previews.

It knows nothing of Flask or the database: callers hand it layouts, sticker sources, options
and a ``Storage``, and it returns plans, SVG and PDF bytes. The web layer (``gallery.printing``)
loads works, checks consent, and runs exports as jobs.
"""
