package dev.herald.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.errors.DomainException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TargetValidatorTest {
    final TargetValidator strict = new TargetValidator(false);
    final TargetValidator lenient = new TargetValidator(true);

    @Test
    void loopbackPrivateAndLinkLocalTargetsAreRefusedUnlessAllowed() {
        for (String url : new String[] {"http://127.0.0.1/x", "http://localhost:8080/x", "http://10.1.2.3/x", "http://172.16.0.1/x",
                "http://192.168.1.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://[fe80::1]/x",
                "http://[fd00::1]/x", "http://0.0.0.0/x", "http://100.64.0.1/x", "http://[::ffff:10.0.0.1]/x"}) {
            assertThatThrownBy(() -> strict.url("target", url)).as(url).isInstanceOf(DomainException.class)
                    .hasMessageContaining("delivery.allow-private-targets")
                    .satisfies(e -> assertThat(((DomainException) e).kind()).isEqualTo(DomainException.Kind.INVALID))
                    .satisfies(e -> assertThat(((DomainException) e).field()).isEqualTo("target"));
            assertThat(lenient.url("target", url)).isEqualTo(url);
        }
    }

    @Test
    void ipv6AddressesThatEmbedAPrivateIpv4AddressAreRefused() throws Exception {
        // 6to4, NAT64 and Teredo deliver to the IPv4 address they carry: loopback and the cloud metadata address
        for (String literal : new String[] {"2002:7f00:1::1", "2002:a9fe:a9fe::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
                "64:ff9b:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:0:4136:e378:8000:63bf:5601:5601", "::127.0.0.1"}) {
            assertThat(TargetValidator.isPrivate(InetAddress.getByName(literal))).as(literal).isTrue();
            assertThatThrownBy(() -> strict.url("target", "http://[" + literal + "]/x")).as(literal)
                    .isInstanceOf(DomainException.class).hasMessageContaining("non-public address");
        }
        // the same schemes carrying a public address stay public
        for (String literal : new String[] {"2002:5db8:d70e::1", "64:ff9b::808:808", "2001:0:4136:e378:8000:63bf:a2f7:f7f7"}) {
            assertThat(TargetValidator.isPrivate(InetAddress.getByName(literal))).as(literal).isFalse();
        }
    }

    @Test
    void publicAddressesPass() throws Exception {
        assertThat(strict.url("target", "https://93.184.215.14/hook")).isEqualTo("https://93.184.215.14/hook");
        assertThat(strict.url("target", "https://[2606:4700:4700::1111]/hook")).isEqualTo("https://[2606:4700:4700::1111]/hook");
        assertThat(TargetValidator.isPrivate(InetAddress.getByName("8.8.8.8"))).isFalse();
        assertThat(TargetValidator.isPrivate(InetAddress.getByName("172.32.0.1"))).isFalse();
        assertThat(TargetValidator.isPrivate(InetAddress.getByName("172.31.255.255"))).isTrue();
    }

    @Test
    void unresolvableHostsAreRefused() {
        assertThatThrownBy(() -> strict.url("target", "https://herald-test.invalid/x")).hasMessageContaining("does not resolve");
    }
}
