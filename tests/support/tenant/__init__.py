"""Program A's graph for the isolation tests (`tenant_pair`, tests/support/fixtures_tenant.py): one module a part
of the portal, each building its records through the factories and returning the strings a leak of them shows."""
