package io.fulcrum.core.extension;

import io.fulcrum.core.config.InvalidFieldException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtensionRegistryTest {

    /** A kind no META-INF/services file lists. */
    @ExtensionPoint("nothing")
    interface NothingFactory extends ExtensionFactory<Record> {
    }

    /** Not marked as a kind. */
    interface UnmarkedFactory extends ExtensionFactory<Record> {
    }

    @Test
    void discoversTheFactoriesListedInMetaInfServices() {
        ExtensionRegistry<GreeterFactory<?>> greeters = ExtensionRegistry.of(GreeterFactory.class);
        assertThat(greeters.kind()).isEqualTo("greeter");
        assertThat(greeters.names()).containsExactly("hello", "quiet");
        assertThat(greeters.get("hello")).isInstanceOf(HelloGreeter.class);
        assertThat(ExtensionRegistry.of(GreeterFactory.class)).isSameAs(greeters);
        assertThat(ExtensionRegistry.<NothingFactory>of(NothingFactory.class).names()).isEmpty();
    }

    @Test
    void anUnknownNameIsAnsweredWithTheKnownOnes() {
        ExtensionRegistry<GreeterFactory<?>> greeters = ExtensionRegistry.of(GreeterFactory.class);
        assertThat(greeters.find("helo")).isEmpty();
        assertThatThrownBy(() -> greeters.get("helo"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessage("unknown greeter \"helo\"; known: hello, quiet");
        assertThat(greeters.validate(ExtensionConfig.of("helo")))
                .extracting(InvalidFieldException::field, InvalidFieldException::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", "unknown greeter \"helo\"; known: hello, quiet"));
    }

    @Test
    void twoFactoriesWithOneNameAreRefused() {
        assertThatThrownBy(() -> ExtensionRegistry.<GreeterFactory<?>>of("greeter", List.of(new HelloGreeter(), new QuietGreeter(),
                new HelloGreeter())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two greeter extensions are named \"hello\"")
                .hasMessageContaining(HelloGreeter.class.getName());
    }

    @Test
    void aKindMustBeMarked() {
        assertThatThrownBy(() -> ExtensionRegistry.<UnmarkedFactory>of(UnmarkedFactory.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@ExtensionPoint");
    }

    @Test
    void settingsDefaultInTheirRecordAndTheirProblemsNameTheFieldUnderTheExtension() {
        ExtensionRegistry<GreeterFactory<?>> greeters = ExtensionRegistry.of(GreeterFactory.class);
        HelloGreeter hello = (HelloGreeter) greeters.get("hello");
        assertThat(hello.defaultSettings()).isEqualTo(new HelloGreeter.Settings("hello", 1));
        assertThat(hello.greet(hello.settings(null), "you")).isEqualTo("hello you");
        assertThat(greeters.validate(new ExtensionConfig<>("hello", new HelloGreeter.Settings("hi", 0))))
                .extracting(InvalidFieldException::field, InvalidFieldException::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hello.repeat", "must be at least 1 (got 0)"));
        assertThat(greeters.validate(new ExtensionConfig<>("hello", new QuietGreeter.Settings())))
                .extracting(InvalidFieldException::field).containsExactly("hello");
        assertThat(greeters.validate(new ExtensionConfig<>("quiet", null))).isEmpty();
    }
}
