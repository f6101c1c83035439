"""Print-ready sticker sheets, the web side: the ``/print`` pages, exports run as jobs, and the
``layouts`` and ``export`` commands. The Flask-free engine lives in ``engine``."""
