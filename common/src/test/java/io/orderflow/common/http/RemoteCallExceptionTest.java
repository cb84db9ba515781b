package io.orderflow.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which outside errors are retried (transient) and which are answered at once (permanent), and what they say. */
class RemoteCallExceptionTest {

    @ParameterizedTest(name = "HTTP {0} {1}: {2}")
    @CsvSource(nullValues = "-", textBlock = """
            500, -,                      transient
            502, -,                      transient
            503, service_unavailable,    transient
            408, -,                      transient
            429, rate_limited,           transient
            409, idempotency_key_in_use, transient
            409, label_already_voided,   permanent
            400, invalid_request,        permanent
            402, card_declined,          permanent
            404, -,                      permanent
            422, invalid_amount,         permanent
            431, -,                      permanent
            """)
    void statusDecidesWhetherACallIsWorthRepeating(int status, String code, String kind) {
        RemoteCallException e = RemoteCallException.ofStatus("POST /v1/labels", status, code, "no");

        assertThat(e).isInstanceOf(kind.equals("transient") ? RemoteCallException.Unavailable.class
                : RemoteCallException.Rejected.class);
        if (e instanceof RemoteCallException.Rejected rejected) {
            assertThat(rejected.status()).isEqualTo(status);
            assertThat(rejected.code()).isEqualTo(code == null ? "http_" + status : code);
        }
    }

    @Test
    void aRefusalSaysStatusCodeAndTheSystemsMessage() {
        assertThat(RemoteCallException.ofStatus("POST /v1/authorizations", 422, "invalid_amount",
                "amount must be positive")).hasMessage("HTTP 422 invalid_amount: amount must be positive");
    }

    @Test
    void aRawHtmlErrorPageIsSummarisedToItsTitle() {
        String page = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n"
                + "<title>Error 431 Request Header Fields Too Large</title>\n</head>\n<body><h2>HTTP ERROR 431 "
                + "Request Header Fields Too Large</h2>\n<table>" + "<tr><th>URI:</th><td>/v1/x</td></tr>".repeat(500)
                + "</table></body></html>";

        RemoteCallException e = RemoteCallException.ofStatus("POST /v1/authorizations", 431, null, page);

        assertThat(e).isInstanceOf(RemoteCallException.Rejected.class)
                .hasMessage("HTTP 431 http_431: Error 431 Request Header Fields Too Large");
    }

    @ParameterizedTest(name = "summary {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -                                                    | (no body)
            '   '                                                | (no body)
            first line\\nsecond line                             | first line
            <!DOCTYPE html><html><body><h1>Bad &amp; Gateway</h1></body></html> | Bad & Gateway
            <html><body><p>no title here</p></body></html>       | no title here
            """)
    void errorTextBecomesOneShortLine(String text, String summary) {
        assertThat(ErrorText.summarise(text == null ? null : text.replace("\\n", "\n"))).isEqualTo(summary);
    }

    @Test
    void aLongErrorTextIsCut() {
        assertThat(ErrorText.summarise("x".repeat(10_000))).hasSize(ErrorText.MAX_LENGTH + 3).endsWith("...");
    }

    @Test
    void aRequestTheHttpClientRefusesToBuildIsPermanentAndNeverSent() {
        IllegalArgumentException invalid = null;
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Idempotency-Key", "b-ünï-日本-🚀-r1");
        } catch (IllegalArgumentException e) {
            invalid = e;
        }
        assertThat(invalid).as("the JDK refuses a non-Latin-1 header value").isNotNull();

        RemoteCallException.Rejected e = RemoteCallException.notSent("POST /v1/authorizations", invalid);

        assertThat(e.code()).isEqualTo(RemoteCallException.NOT_SENT);
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).startsWith("POST /v1/authorizations cannot be sent: ");
    }
}
