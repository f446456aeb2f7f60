package io.fulcrum.admin.api;

import java.util.Map;

/**
 * A complete admin request as {@link RequestReader} hands it on: either accepted, with
 * its endpoint (or none, for the dashboard's files and {@code /metrics}) and path
 * parameters, or already refused with the answer to send. Answers go out in request
 * order either way.
 *
 * @param request   the request, body included (empty when refused)
 * @param endpoint  the API endpoint, or {@code null} outside {@code /api/v1}
 * @param params    the endpoint's path parameters
 * @param refusal   the answer when the request was refused on its head, else {@code null}
 * @param keepAlive whether the connection stays open after the answer
 */
record AdminCall(ApiRequest request, ApiEndpoint endpoint, Map<String, String> params, ApiResponse refusal,
                 boolean keepAlive) {
}
