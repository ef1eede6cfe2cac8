"""A real Apache Kafka broker and Apicurio Registry from Maven Central jars, for local runs and tests.

No Docker and no release tarball: ``fetch`` asks Maven for the jars named in ``deploy/local/pom.xml``
(cached under ``.cache/``), ``KafkaNode`` and ``RegistryNode`` run them with ``java`` as child processes.
"""
