"""The document index: ``documents.results.v1`` and the flows' dead letters materialised in PostgreSQL.

- :mod:`.process`: the ``document-index`` consumer process's declaration; :mod:`.service` runs it;
- :mod:`.migrate`: the schema as plain versioned SQL (``migrations/``); :mod:`.writer`: idempotent upserts;
- :mod:`.queries`: the read side ``bcx trace`` and the HTTP API (:mod:`.api`) share;
- :mod:`.retention`: ``bcx index prune``.

See docs/document-index.md.
"""
