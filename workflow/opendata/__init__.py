"""Open data for transparency (the Local Government Transparency Code): the published programmes, their
partners, stages, gate outcomes, partners' decisions and business-case figures, as CSV and JSON files with a
Frictionless Data Package and a JSON Schema for each JSON file.

Only programmes their managers published (:mod:`workflow.engine.publication`) appear, and nothing that names a
person: no names, emails or sign-off comments. It reads the engine, the money and the records; the web's
``/open-data`` pages and ``banns export open-data`` serve the same files (:func:`files.open_data_files`).
"""
