"""Webhook sender: official-format BigCommerce callbacks, signed, for scenarios against a simulated store.

- :mod:`.payloads` builds callback bodies (pure);
- :mod:`.scenarios` changes the simulated store through its API and yields the callbacks each step causes;
- :mod:`.sender` posts them with the custom secret header and Standard Webhooks signature, with options
  for duplicates, reordering and bursts.
"""
