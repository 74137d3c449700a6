"""Provider pages, one module per family: selection rounds (set-up, committee, confirmation, publication), a
round's applications with the committee's sheets and conflicts, the resource pool with a provider's page and the
bureau's decisions, and the provider's own profile with its cases and documents. The registrations and the
solution library have their modules beside (`providers.signup_views`, `providers.solution_views`).

Thin like the other apps' views: each resolves its objects through the program-scoped selectors, calls a
service for any change, and renders."""
