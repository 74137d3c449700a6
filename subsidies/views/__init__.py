"""The money pages (批次核算): runs, lines, pools, awards, ledgers, re-pricing. Each view reads through
`subsidies.selectors`, writes through `subsidies.runs`, `subsidies.approvals` or `subsidies.ledger_jobs`, and
shows a service's refusal on the form it came from or as a message."""
