package dev.tern.admin.http;

import dev.tern.admin.auth.Principal;

import java.util.Optional;

/** Finds out who sent a request, from its credentials. */
public interface Authenticator {

    /**
     * @return the principal; empty when the request carries no credentials at all
     * @throws ApiException 401 when it carries credentials that are not (or no longer) valid
     */
    Optional<Principal> authenticate(ApiRequest request);
}
