"""Real local servers that speak a peer's protocol, for tests and benchmarks."""
