-- Sign-in through the hospital's OpenID provider (issue 20). Between the redirect to the
-- provider and its answer, the sign-in's nonce and PKCE verifier wait here, keyed by the
-- SHA-256 of the `state` sent with it: one use (deleted when the answer comes back), ten
-- minutes at most, shared by every instance (the answer may reach another one). A
-- SameSite=Strict cookie could not carry them: browsers do not send it on the provider's
-- redirect back. The browser that started the sign-in holds a secret (a SameSite=Lax cookie
-- for the callback only) whose SHA-256 is kept here: an answer brought by another browser —
-- someone else's sign-in link — is refused.
CREATE TABLE sign_in_requests (
    state_hash bytea PRIMARY KEY CHECK (length(state_hash) = 32),
    nonce text NOT NULL CHECK (nonce ~ '^[0-9a-f]{64}$'),
    code_verifier text NOT NULL CHECK (code_verifier ~ '^[0-9a-f]{64}$'),
    browser_hash bytea NOT NULL CHECK (length(browser_hash) = 32),
    return_to text NOT NULL CHECK (return_to ~ '^/[A-Za-z0-9._~/?=&%-]*$' AND return_to !~ '^//' AND length(return_to) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '10 minutes')
);
CREATE INDEX sign_in_requests_expiry_idx ON sign_in_requests (expires_at);
GRANT SELECT, INSERT, DELETE ON sign_in_requests TO strokepath_app;

-- The provider's session a web session belongs to (the ID token's `sid`), so that the
-- provider's back-channel sign-out ends it, and the ID token it was opened with, which signing
-- out here hands back to the provider (`id_token_hint`) so that the provider's session ends
-- too without asking; both NULL for sessions opened with a pasted token.
ALTER TABLE web_sessions ADD COLUMN provider_session text CHECK (length(provider_session) BETWEEN 1 AND 255);
ALTER TABLE web_sessions ADD COLUMN provider_id_token text CHECK (length(provider_id_token) BETWEEN 1 AND 16384);
CREATE INDEX web_sessions_provider_session_idx ON web_sessions (provider_session) WHERE provider_session IS NOT NULL;
CREATE INDEX web_sessions_subject_idx ON web_sessions (subject);
