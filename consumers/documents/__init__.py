"""The documents kit: what every document flow needs to turn a snapshot into Exstream driver data and run
its due documents, independent of any one flow.

- :mod:`~consumers.documents.money`, :mod:`~consumers.documents.dates`: amounts and dates as a reader in a
  locale writes them, through Babel (CLDR data; docs/design.md says why);
- :mod:`~consumers.documents.regions`: ISO 3166-2 codes from BigCommerce's state names (routing facts);
- :mod:`~consumers.documents.presenter`: one document's currency, locale and store timezone, applied to
  every money and date value of its driver data;
- :mod:`~consumers.documents.sections`: address blocks and the seller section every document shows;
- :mod:`~consumers.documents.orders`: an order snapshot as documents see it, the event that woke the
  flow, and the routing facts every order flow shares;
- :mod:`~consumers.documents.calendar`: business days (weekends, holidays) from store-local dates;
- :mod:`~consumers.documents.errors`: a snapshot that cannot make a document (permanent);
- :mod:`~consumers.documents.due`: routing decisions with the two-pass ``sent_keys`` evaluation, the due
  documents once per key, and "attempt every due document, then raise the first failure".

Pure except :func:`~consumers.documents.due.attempt_all`, which awaits the caller's document step. Imports
``bcx``, ``routing`` and ``consumers.runtime`` (errors) only; flows import it, it imports no flow.
"""
