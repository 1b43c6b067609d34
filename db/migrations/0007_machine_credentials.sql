-- Machine credentials: an API key remembers whether a user or a service client created it,
-- because its scopes stay capped by its creator's current permissions (for a user: their
-- roles; for a client: its scopes, none once revoked). Existing keys were all made by users.
alter table api_keys
  add column created_by_type text not null default 'user'
    check (created_by_type in ('user', 'client'));
