package dev.ergometer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The API's description: an OpenAPI 3.0 document ({@code /openapi.json}) and a self-contained HTML page
 * ({@code /docs}, no script, no remote asset), both built from {@link RequestSchema}'s field specs so that the
 * documented defaults and limits are the enforced ones.
 */
final class ApiDocs {

    /** One endpoint, for both renderings. */
    private record Endpoint(String method, String path, String summary, String description, List<FieldSpec> body,
            String responseExample, String curl) {
    }

    private static final String TASK = "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a0c1e";

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("post", "/api/v1/measure", "Queue an energy measurement",
                    "Checks the request (422 naming each bad field), stores it and queues a job; answers 202 at"
                            + " once. A worker validates the submission on every test case in the sandbox, and"
                            + " only if all pass, pins it to a measurement core, waits for the machine to settle,"
                            + " runs the warmups, then trials until their net energies agree within 5% (at least 3,"
                            + " at most energy_measurement_trials).",
                    RequestSchema.MEASURE,
                    "{\"task_id\": \"" + TASK + "\", \"request_id\": \"7c9e...\", \"status\": \"queued\","
                            + " \"estimated_completion_seconds\": 51, \"poll_url\": \"/api/v1/tasks/" + TASK + "\"}",
                    "curl -s -X POST http://127.0.0.1:8000/api/v1/measure -H 'Content-Type: application/json' -d"
                            + " '{\"candidate_code\": \"def solve(a, b):\\n    return a + b\", \"test_cases\":"
                            + " [{\"inputs\": [1, 2], \"expected_output\": 3, \"test_id\": \"t1\"}]}'"),
            new Endpoint("get", "/api/v1/tasks/{task_id}", "Poll a task",
                    "queued: estimated_completion_seconds and poll_url. running: stage, progress (0 to 1) and"
                            + " elapsed_seconds. completed: validation, energy_metrics (per pass over the test cases:"
                            + " medians net of idle power, energy per test case, average power, coefficient of"
                            + " variation, confidence level; repetitions_per_trial, the passes each trial ran to last"
                            + " long enough for the counters; net_energy_within_noise and resolution_warning when the"
                            + " counters could not tell the energy apart)"
                            + " and measurement_environment (CPU model, frequency governor, source, estimated,"
                            + " core, idle calibration and its age). failed: error_type and error_message (and"
                            + " validation when the gate was reached). 404 for an unknown task.",
                    List.of(),
                    "{\"task_id\": \"" + TASK + "\", \"status\": \"running\", \"stage\": \"measuring\","
                            + " \"progress\": 0.56, \"elapsed_seconds\": 4.2}",
                    "curl -s http://127.0.0.1:8000/api/v1/tasks/" + TASK),
            new Endpoint("delete", "/api/v1/tasks/{task_id}", "Cancel a task, or forget a finished one",
                    "A queued task never runs; a running one stops at the next trial boundary; both end failed"
                            + " with error_type cancelled. A finished task's stored result is removed. 204, or 404"
                            + " for an unknown task.",
                    List.of(), "", "curl -s -X DELETE http://127.0.0.1:8000/api/v1/tasks/" + TASK),
            new Endpoint("post", "/api/v1/validate", "Validate without measuring",
                    "Runs every test case once in the sandbox and answers at once (200) with the validation"
                            + " summary; 429 when MAX_CONCURRENT_VALIDATIONS are already running.",
                    RequestSchema.VALIDATE,
                    "{\"request_id\": \"...\", \"validation\": {\"is_correct\": true, \"passed_tests\": 1,"
                            + " \"total_tests\": 1, \"pass_rate\": 100.0, \"error_summary\": null},"
                            + " \"processing_time_seconds\": 0.08}",
                    "curl -s -X POST http://127.0.0.1:8000/api/v1/validate -H 'Content-Type: application/json' -d"
                            + " '{\"candidate_code\": \"def solve(x):\\n    return x * 2\", \"test_cases\":"
                            + " [{\"inputs\": 4, \"expected_output\": 8, \"test_id\": \"t1\"}]}'"),
            new Endpoint("get", "/api/v1/health", "Health",
                    "The energy source, the database, the job workers seen recently, this node's measurement"
                            + " cores and the tasks of the last 24 hours. 503 when the database cannot be reached.",
                    List.of(), "{\"status\": \"healthy\", \"energy_meter_type\": \"powercap\", \"worker_count\": 2}",
                    "curl -s http://127.0.0.1:8000/api/v1/health"),
            new Endpoint("get", "/ping", "Liveness", "Answers while the process serves.", List.of(),
                    "{\"status\": \"ok\", \"service\": \"ergometer\"}", "curl -s http://127.0.0.1:8000/ping"));

    private final ObjectMapper json;

    ApiDocs(ObjectMapper json) {
        this.json = json;
    }

    /** The OpenAPI 3.0 document. */
    String openApi() {
        ObjectNode root = json.createObjectNode();
        root.put("openapi", "3.0.3");
        ObjectNode info = root.putObject("info");
        info.put("title", "Ergometer measurement service");
        info.put("version", "1");
        info.put("description", "JouleTrace's API: validate submitted code against test cases in a sandbox, then"
                + " measure its energy over adaptive trials. Send `Authorization: Bearer TOKEN` when the service"
                + " has an API_TOKEN.");
        ObjectNode security = root.putObject("components").putObject("securitySchemes").putObject("bearer");
        security.put("type", "http");
        security.put("scheme", "bearer");
        ObjectNode paths = root.putObject("paths");
        for (Endpoint endpoint : ENDPOINTS) {
            ObjectNode path = paths.has(endpoint.path()) ? (ObjectNode) paths.get(endpoint.path())
                    : paths.putObject(endpoint.path());
            ObjectNode operation = path.putObject(endpoint.method());
            operation.put("summary", endpoint.summary());
            operation.put("description", endpoint.description());
            if (endpoint.path().startsWith("/api/v1/") && !endpoint.path().endsWith("/health")) {
                operation.putArray("security").addObject().putArray("bearer");
            }
            if (endpoint.path().contains("{task_id}")) {
                ObjectNode parameter = operation.putArray("parameters").addObject();
                parameter.put("name", "task_id");
                parameter.put("in", "path");
                parameter.put("required", true);
                parameter.putObject("schema").put("type", "string").put("format", "uuid");
            }
            if (!endpoint.body().isEmpty()) {
                operation.putObject("requestBody").put("required", true).putObject("content")
                        .putObject("application/json").set("schema", schema(endpoint.body()));
            }
            ObjectNode responses = operation.putObject("responses");
            String success = switch (endpoint.method() + endpoint.path()) {
                case "post/api/v1/measure" -> "202";
                case "delete/api/v1/tasks/{task_id}" -> "204";
                default -> "200";
            };
            ObjectNode ok = responses.putObject(success).put("description", endpoint.summary());
            if (!endpoint.responseExample().isEmpty()) {
                try {
                    ok.putObject("content").putObject("application/json").set("example",
                            json.readTree(endpoint.responseExample()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("bad example of " + endpoint.path(), e);
                }
            }
            if (!endpoint.body().isEmpty()) {
                responses.putObject("422").put("description", "validation_error: field_errors name each bad field"
                        + " ({field, message, type})");
                responses.putObject("413").put("description", "the body is larger than MAX_REQUEST_BYTES");
            }
            if (operation.has("security")) {
                responses.putObject("401").put("description", "missing or wrong bearer token");
            }
            if (endpoint.path().contains("{task_id}")) {
                responses.putObject("404").put("description", "no such task");
            }
        }
        return root.toPrettyString();
    }

    private ObjectNode schema(List<FieldSpec> fields) {
        ObjectNode schema = json.createObjectNode();
        schema.put("type", "object");
        ArrayNode required = schema.putArray("required");
        ObjectNode properties = schema.putObject("properties");
        for (FieldSpec field : fields) {
            if (field.required()) {
                required.add(field.name());
            }
            ObjectNode property = properties.putObject(field.name());
            if (field.name().equals("test_cases")) {
                property.put("type", "array");
                property.put("minItems", 1);
                property.set("items", schema(RequestSchema.TEST_CASE));
            } else if (!field.type().equals("any")) {
                property.put("type", field.type());
            }
            property.put("description", field.description());
            if (field.defaultValue() != null) {
                property.set("default", json.valueToTree(field.defaultValue()));
            }
            if (field.minimum() != null) {
                property.set("minimum", json.valueToTree(field.minimum()));
            }
            if (field.maximum() != null) {
                property.set("maximum", json.valueToTree(field.maximum()));
            }
            if (field.nullable()) {
                property.put("nullable", true);
            }
            if (!field.allowed().isEmpty()) {
                ArrayNode values = property.putArray("enum");
                field.allowed().forEach(values::add);
            }
        }
        return schema;
    }

    /** The HTML page: every endpoint with its fields, limits, an example answer and a curl line. */
    String html() {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Ergometer measurement service API</title><style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em;")
                .append("text-align:left;vertical-align:top}pre{background:#f4f4f4;padding:.6em;overflow-x:auto}")
                .append(".method{font-weight:bold;text-transform:uppercase}</style></head><body>\n")
                .append("<h1>Ergometer measurement service API</h1>\n<p>JouleTrace's endpoints and field names."
                        + " When the service has an API token, send <code>Authorization: Bearer TOKEN</code> with"
                        + " every <code>/api/v1</code> call but health. The machine-readable description is at"
                        + " <a href=\"/openapi.json\">/openapi.json</a>.</p>\n");
        for (Endpoint endpoint : ENDPOINTS) {
            page.append("<h2><span class=\"method\">").append(endpoint.method()).append("</span> <code>")
                    .append(escape(endpoint.path())).append("</code>: ").append(escape(endpoint.summary()))
                    .append("</h2>\n<p>").append(escape(endpoint.description())).append("</p>\n");
            if (!endpoint.body().isEmpty()) {
                page.append("<table><tr><th>field</th><th>type</th><th>default</th><th>limits</th>"
                        + "<th>meaning</th></tr>\n");
                for (FieldSpec field : endpoint.body()) {
                    row(page, field);
                }
                if (endpoint.body().stream().anyMatch(f -> f.name().equals("test_cases"))) {
                    for (FieldSpec field : RequestSchema.TEST_CASE) {
                        row(page, new FieldSpec("test_cases[]." + field.name(), field.type(), field.defaultValue(),
                                field.minimum(), field.maximum(), field.required(), field.nullable(),
                                field.allowed(), field.description()));
                    }
                }
                page.append("</table>\n");
            }
            if (!endpoint.responseExample().isEmpty()) {
                page.append("<p>Answer:</p><pre>").append(escape(endpoint.responseExample())).append("</pre>\n");
            }
            page.append("<pre>").append(escape(endpoint.curl())).append("</pre>\n");
        }
        return page.append("</body></html>\n").toString();
    }

    private static void row(StringBuilder page, FieldSpec field) {
        String limits = (field.minimum() == null ? "" : field.minimum() + " ≤ ") + (field.minimum() != null
                || field.maximum() != null ? "value" : "") + (field.maximum() == null ? "" : " ≤ " + field.maximum())
                + (field.allowed().isEmpty() ? "" : String.join(" | ", field.allowed()));
        page.append("<tr><td><code>").append(escape(field.name())).append("</code>")
                .append(field.required() ? " (required)" : "").append("</td><td>").append(field.type())
                .append("</td><td>").append(field.defaultValue() == null ? "" : escape(field.defaultValue()
                        .toString())).append("</td><td>").append(escape(limits)).append("</td><td>")
                .append(escape(field.description())).append("</td></tr>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
