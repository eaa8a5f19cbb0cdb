"""Readers for the source formats: each turns bytes into the :class:`CleanedText` the
structure, metadata and extraction stages already consume.

``sniff`` decides the format from the content (magic bytes, markup), never from the
file name alone; the readers bound what they read (size, ratio, pages) and fail
with an :class:`~ontology.errors.IngestError` that says why.
"""
