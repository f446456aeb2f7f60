package io.fulcrum.admin.auth;

import io.fulcrum.core.config.admin.AdminToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TokenAuthenticatorTest {

    @TempDir
    Path dir;

    @Test
    void bearerTokensMapToTheirNameAndRole() throws Exception {
        Path f = dir.resolve("t");
        Files.writeString(f, "from-a-file-0123456789\n");
        TokenAuthenticator auth = TokenAuthenticator.of(List.of(AdminToken.of("ops", "admin", "s3cret-0123456789"),
                AdminToken.of("view", "read", "other-0123456789"), new AdminToken("robot", "read", null, f.toString(), null)));
        assertThat(auth.check("Bearer s3cret-0123456789").principal()).isEqualTo(new Principal("ops", Role.ADMIN));
        assertThat(auth.check("bearer other-0123456789").principal()).isEqualTo(new Principal("view", Role.READ));
        assertThat(auth.check("Bearer from-a-file-0123456789").principal().name()).isEqualTo("robot");
        assertThat(auth.check("Bearer s3cret-012345678").principal()).isNull();
        assertThat(auth.check("Basic czNjcmV0").principal()).isNull();
        assertThat(auth.check(null).principal()).isNull();
        assertThat(AdminToken.of("ops", "admin", "s3cret-0123456789").toString()).doesNotContain("s3cret");
    }

    @Test
    void aMissingTokenAnotherSchemeAndAnUnknownTokenAreToldApart() throws Exception {
        TokenAuthenticator auth = TokenAuthenticator.of(List.of(AdminToken.of("ops", "admin", "s3cret-0123456789")));
        assertThat(auth.check(null).problem()).isEqualTo(TokenAuthenticator.MISSING);
        assertThat(auth.check("Basic czNjcmV0").problem()).isEqualTo(TokenAuthenticator.NOT_BEARER);
        assertThat(auth.check("Bearer nope-0123456789").problem()).isEqualTo(TokenAuthenticator.INVALID);
        assertThat(auth.check("Bearer s3cret-0123456789").ok()).isTrue();
    }

    @Test
    void twoTokensWithOneSecretAreRefusedNamingThemNotTheSecret() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TokenAuthenticator.of(List.of(
                        AdminToken.of("ops", "admin", "same-0123456789"), AdminToken.of("view", "read", " same-0123456789"))))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("view").hasMessageContaining("ops").hasMessageNotContaining("same-0123456789");
    }
}
