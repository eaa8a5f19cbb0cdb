"""The Neo4j backend. Importing this package does not import the driver (see ``store``)."""
