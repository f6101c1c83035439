"""The file store and everything about stored files.

``store`` is the small interface and the local folder, ``s3`` the object-store backend,
``files`` ties writes and deletions to the database transaction, ``keys`` names every file the
app writes, ``serving`` hands files out inertly, and ``sweep`` removes what nobody owns.
"""
