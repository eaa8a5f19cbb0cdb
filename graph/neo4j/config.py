"""Connection settings of the Neo4j backend, as a plain config object.

Library code receives this object; only the CLI and the API read the environment
(``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: ``CREATE VECTOR INDEX ... IF NOT EXISTS`` is Cypher syntax since Neo4j 5.15
#: (``db.index.vector.queryNodes`` exists since 5.11, but creating the index
#: with a command, which start-up needs, only since 5.15).
MIN_VERSION: tuple[int, int] = (5, 15)


@dataclass(frozen=True, slots=True)
class Neo4jConfig:
    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"
    #: seconds a single transaction may run before the server aborts it
    timeout: float = 60.0
    #: seconds the driver keeps retrying a transient failure of a managed transaction
    max_retry_time: float = 30.0
    #: rows per UNWIND statement (the issue asks for 1,000-10,000)
    batch_size: int = 1000
