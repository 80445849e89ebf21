"""Importing files: reading (``read``, ``layouts``, ``numbers``, ``likert``, ``privacy``,
``mapping``, ``messages``), then validating and storing (``instrument``, ``validate``, ``run``).

The reading half turns an upload into a :class:`~loyalty.importing.read.RawTable` of strings;
nothing here imports streamlit.
"""
