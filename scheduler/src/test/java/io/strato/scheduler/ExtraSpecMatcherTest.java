package io.strato.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strato.scheduler.filter.ExtraSpecMatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExtraSpecMatcherTest {

    @ParameterizedTest(name = "value ''{0}'' against ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
        "true | true | true",
        "false | true | false",
        "10 | = 8 | true",
        "8 | = 8 | true",
        "7 | = 8 | false",
        "8 | == 8 | true",
        "8 | != 8 | false",
        "9 | >= 8 | true",
        "9 | <= 8 | false",
        "abc | s== abc | true",
        "abc | s!= abc | false",
        "abc | s< abd | true",
        "abc | s> abd | false",
        "sse4 avx2 | <in> avx | true",
        "sse4 | <in> avx | false",
        "sse4 avx2 | <all-in> sse4 avx2 | true",
        "sse4 | <all-in> sse4 avx2 | false",
        "kvm | <or> xen <or> kvm | true",
        "qemu | <or> xen <or> kvm | false",
        "notanumber | >= 8 | false",
    })
    void matchesLikeNovasExtraSpecsOps(String value, String requirement, boolean matches) {
        assertThat(ExtraSpecMatcher.matches(value, requirement)).isEqualTo(matches);
    }
}
