"""Importing files: reading (``read``, ``layouts``, ``numbers``, ``likert``, ``privacy``,
``mapping``, ``messages``), then validating and storing (``instrument``, ``validate``, ``run``;
``write`` is the one writer of canonical rows, for users' files and the demo alike).

The reading half turns an upload into a :class:`~loyalty.importing.read.RawTable` of strings;
nothing here imports streamlit.
"""
