"""Policy versions and calculation runs arrive with the policy-engine issue; this app owns them."""
