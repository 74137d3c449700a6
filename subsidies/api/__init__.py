"""The money API (calculation runs, ledgers, pools, awards, re-pricing): one module per kind of record."""
