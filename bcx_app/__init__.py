"""The composition root: the ``bcx`` command line (:mod:`bcx_app.cli`) and the local demo
(:mod:`bcx_app.demo`). The only package that may import every other one — the core (``bcx``), the
producers, the flows, routing and, lazily, the simulators — so that none of those has to import each
other to be wired together (DEVELOPERS.md's layer table, ``tests/test_layers.py``).
"""
