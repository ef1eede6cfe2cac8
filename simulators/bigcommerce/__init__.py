"""A spec-faithful BigCommerce simulator: REST v2/v3 and B2B Edition subset, rate limits, faults, webhooks.

- :func:`simulators.bigcommerce.app.create_app` builds the Starlette app from a :class:`SimulatorConfig`;
- :func:`simulators.bigcommerce.server.start_simulator` runs it on a free port in a thread (tests, demos);
- :mod:`simulators.bigcommerce.webhooks` posts official-format, signed callbacks for scenarios.
"""
