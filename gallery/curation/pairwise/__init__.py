"""Pairwise curation: "which of these two is more eye-catching?".

``maths`` fits Bradley–Terry strengths and ``pairing`` picks informative pairs (both plain
Python over numbers); ``fit``, ``operations``, ``forms`` and ``views`` connect them to the
database and the pages.
"""
