package io.fulcrum.proxy.tls;

import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.TlsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Certificate names and the SNI mapping, with both providers. */
class TlsRuntimeTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair a;
    static TestCertificates.Pair b;
    static TestCertificates.Pair cnOnly;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "the openssl command is needed to make test certificates");
        a = TestCertificates.selfSigned(dir, "a", "ignored.test", "DNS:a.test,DNS:A2.test,IP:127.0.0.1");
        b = TestCertificates.selfSigned(dir, "b", "*.b.test", "DNS:*.b.test");
        cnOnly = TestCertificates.selfSigned(dir, "cn", "Legacy.Test", "email:x@legacy.test");
    }

    @Test
    void namesComeFromTheDnsAlternativeNamesLowerCased() {
        assertThat(CertificateNames.of(a.cert())).containsExactly("a.test", "a2.test");
        assertThat(CertificateNames.of(b.cert())).containsExactly("*.b.test");
    }

    @Test
    void withoutDnsNamesTheCommonNameServes() {
        assertThat(CertificateNames.of(cnOnly.cert())).containsExactly("legacy.test");
        assertThat(CertificateNames.commonName("O=Acme\\, Inc.,CN=x.test")).isEqualTo("x.test");
        assertThat(CertificateNames.commonName("O=Acme")).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void sniMapsExactAndWildcardNamesAndFallsBackToTheFirst(SslProvider provider) {
        Assumptions.assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "OpenSSL does not load here");
        TlsRuntime t = TlsRuntime.compile(new TlsConfig(List.of(new CertificateConfig(a.certFile(), a.keyFile()), new CertificateConfig(b.certFile(), b.keyFile()), new CertificateConfig(cnOnly.certFile(), cnOnly.keyFile())), null, null),
                provider);
        SslContext ca = t.names().get("a.test"); // the first certificate
        SslContext cb = t.names().get("*.b.test");
        assertThat(cb).isNotSameAs(ca);
        assertThat(t.mapping().map("a.test")).isSameAs(ca);
        assertThat(t.mapping().map("A2.TEST")).isSameAs(ca);
        assertThat(t.mapping().map("shop.b.test")).isSameAs(cb);
        assertThat(t.mapping().map("b.test")).isSameAs(ca);
        assertThat(t.mapping().map("x.y.b.test")).isSameAs(ca);
        assertThat(t.mapping().map("legacy.test")).isSameAs(t.names().get("legacy.test"));
        assertThat(t.mapping().map(null)).isSameAs(ca);
        assertThat(t.mapping().map("unknown.test")).isSameAs(ca);
    }

    @Test
    void aNameInTwoCertificatesGoesToTheEarlierOne() {
        TlsRuntime t = TlsRuntime.compile(new TlsConfig(List.of(new CertificateConfig(b.certFile(), b.keyFile()), new CertificateConfig(a.certFile(), a.keyFile()), new CertificateConfig(b.certFile(), b.keyFile())), null, null));
        assertThat(t.mapping().map("x.b.test")).isSameAs(t.mapping().map(null));
    }

    @Test
    void badFilesFailWithTheirNames() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(garbage.toString(), a.key().toString())), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(a.cert().toString(), b.key().toString())), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(b.key().toString())
                .hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(a.cert().toString(), a.cert().toString())), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no PEM private key");
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(List.of(), null, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void pkcs1RsaAndSec1EcKeysLoadAsOpenSslReadsThem(SslProvider provider) throws Exception {
        Assumptions.assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "OpenSSL does not load here");
        TestCertificates.Pair rsa1 = TestCertificates.withPkcs1Key(a, dir, "a-pkcs1");
        TestCertificates.Pair ec = TestCertificates.ecSelfSigned(dir, "ec", "ec.test", "DNS:ec.test");
        assertThat(Files.readString(rsa1.key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(ec.key())).startsWith("-----BEGIN EC PARAMETERS-----")
                .contains("-----BEGIN EC PRIVATE KEY-----");

        TlsRuntime t = TlsRuntime.compile(new TlsConfig(List.of(new CertificateConfig(rsa1.certFile(), rsa1.keyFile()), new CertificateConfig(ec.certFile(), ec.keyFile())), null, null), provider);

        assertThat(t.names()).containsOnlyKeys("a.test", "a2.test", "ec.test");
        assertThat(t.mapping().map("ec.test")).isNotSameAs(t.mapping().map(null));
    }

    @Test
    void aMismatchedOrUnreadableKeyNamesItsFieldWithinTheTlsSection() throws Exception {
        TestCertificates.Pair ec = TestCertificates.ecSelfSigned(dir, "ec2", "ec2.test", "DNS:ec2.test");
        Path encrypted = dir.resolve("encrypted.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(a.certFile(), a.keyFile()), new CertificateConfig(a.cert().toString(), ec.key().toString())), null, null)))
                .isInstanceOfSatisfying(io.fulcrum.core.config.InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[1].keyFile");
                    assertThat(e.reason()).contains(ec.key().toString()).contains("does not belong to the certificate")
                            .contains("an EC key, the certificate's is RSA");
                });
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(a.cert().toString(), encrypted.toString())), null, null)))
                .isInstanceOfSatisfying(io.fulcrum.core.config.InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("certificates[0].keyFile");
                    assertThat(e.reason()).contains("encrypted");
                });
        Path garbage = Files.writeString(dir.resolve("garbage2.pem"), "not a certificate");
        assertThatThrownBy(() -> TlsRuntime.compile(new TlsConfig(
                List.of(new CertificateConfig(garbage.toString(), a.key().toString())), null, null)))
                .isInstanceOfSatisfying(io.fulcrum.core.config.InvalidFieldException.class,
                        e -> assertThat(e.field()).isEqualTo("certificates[0].certFile"));
    }
}
