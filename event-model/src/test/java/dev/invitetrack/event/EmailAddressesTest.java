package dev.invitetrack.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EmailAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "mark.wood@example.com",
        "mark+invites@example.com",
        "a@mail.eu.example.co.uk",
        "o'neil@example.com",
        "first_last@example.com",
        "first-last@example-site.com",
        "x@example.io",
        "12345@example.com",
        "user@sub-domain.example.org",
        "josé@exämple.de",
        "user@пример.рф",
        "用户@例子.广告",
        "a!#$%&*/=?^`{|}~@example.com",
        "user@xn--exmple-cua.de",
        "user@example.com1",
    })
    void acceptsAddressesRealUsersHave(String address) {
        assertThat(EmailAddresses.normalize(address)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "not-an-email",
        "mark.wood.example.com",
        "a@b@example.com",
        "mark wood@example.com",
        "mark@exa mple.com",
        "@example.com",
        "mark@",
        "a@localhost",
        ".mark@example.com",
        "mark.@example.com",
        "ma..rk@example.com",
        "a@example.com.",
        "a@.example.com",
        "a@example..com",
        "a@-example.com",
        "a@example-.com",
        "a@example.123",
        "a@1.2.3.4",
        "a@[192.168.0.1]",
        "\"mark wood\"@example.com",
        "\"mark\"@example.com",
        "ma\u0000rk@example.com",
        "mark\u0007@example.com",
        "mark@exa\u0001mple.com",
        "ma\trk@example.com",
        "a@exam_ple.com",
        "mark(comment)@example.com",
        "mark@example.c\u200Bom",
    })
    void rejectsMalformedAddresses(String address) {
        assertThat(EmailAddresses.normalize(address)).isEmpty();
    }

    @Test
    void rejectsLocalPartOver64Characters() {
        String local64 = "a".repeat(64);

        assertThat(EmailAddresses.normalize(local64 + "@example.com")).isPresent();
        assertThat(EmailAddresses.normalize(local64 + "b@example.com")).isEmpty();
    }

    @Test
    void rejectsAddressesOver254Characters() {
        // 64 + 1 + 189 = 254
        String domain254 = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(57) + ".com";
        String exactly254 = "d".repeat(64) + "@" + domain254;
        assertThat(exactly254).hasSize(254);

        assertThat(EmailAddresses.normalize(exactly254)).isPresent();
        assertThat(EmailAddresses.normalize("e" + exactly254)).isEmpty();
    }

    @Test
    void rejectsDomainLabelsOver63Characters() {
        assertThat(EmailAddresses.normalize("a@" + "b".repeat(63) + ".com")).isPresent();
        assertThat(EmailAddresses.normalize("a@" + "b".repeat(64) + ".com")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Mark.Wood@Example.COM            | mark.wood@example.com",
        "'  mark+Invites@example.com  '   | mark+invites@example.com",
        "JOSÉ@exämple.de                  | josé@xn--exmple-cua.de",
        "user@Пример.РФ                   | user@xn--e1afmkfd.xn--p1ai",
        "O'Neil@Mail.EU.Example.co.uk     | o'neil@mail.eu.example.co.uk",
    })
    void normalizesCaseWhitespaceAndInternationalDomains(String raw, String expected) {
        assertThat(EmailAddresses.normalize(raw)).contains(expected);
    }

    @Test
    void normalizesToUnicodeNfc() {
        String decomposed = "jose\u0301@example.com"; // e + combining acute accent
        assertThat(EmailAddresses.normalize(decomposed)).contains("jos\u00e9@example.com");
    }

    @Test
    void normalizingIsIdempotent() {
        String once = EmailAddresses.normalize(" JOSÉ@Exämple.DE ").orElseThrow();
        assertThat(EmailAddresses.normalize(once)).contains(once);
    }

    @Test
    void rejectsNullInput() {
        assertThatThrownBy(() -> EmailAddresses.normalize(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("raw is null");
    }
}
