package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileViewTest {

    private static Profile profile(Profile.Stack... stacks) {
        return new Profile(new Profile.Info(1, "java Main", "model", "m", true, "package_0", SamplerChoice.CPU_TIME,
                20_000_000, 1_000_000_000, List.of("com.shop"), Instant.EPOCH, true), List.of(stacks), List.of(),
                List.of(), new Profile.Counts(0, 0, 0, 0));
    }

    private static Profile.Stack stack(long microjoules, String... frames) {
        return new Profile.Stack(List.of(frames), microjoules, 1);
    }

    @Test
    void ownIsAsTheLeafAndTotalIsAnywhereOnTheStackOncePerStack() {
        Profile p = profile(stack(10, "a.Main.run", "a.Main.f", "a.Main.f"), stack(30, "a.Main.run", "a.Main.g"));

        List<ProfileView.Method> methods = ProfileView.all(p).methods();

        assertThat(methods).containsExactly(
                new ProfileView.Method("a.Main.g", 30, 30, 1, 1),
                new ProfileView.Method("a.Main.f", 10, 10, 1, 1),
                new ProfileView.Method("a.Main.run", 0, 40, 0, 2));
    }

    @Test
    void theApplicationViewChargesJdkAndLibraryCodeToTheCallingApplicationMethod() {
        Profile p = profile(
                stack(5, "java.lang.Thread.run", "com.shop.Cart.total", "java.util.HashMap.get"),
                stack(7, "java.lang.Thread.run", "com.shop.Cart.total", "org.lib.Json.write", "com.shop.Item.toJson",
                        "java.lang.StringBuilder.append"),
                stack(11, "java.lang.Thread.run", "com.shop.Cart.total"),
                stack(3, "java.lang.ref.Reference.processPendingReferences"),
                stack(2, "[not sampled]", "[GC Thread#0]"));

        ProfileView app = ProfileView.application(p, new ApplicationFilter(List.of("com.shop")));

        assertThat(app.methods()).contains(
                new ProfileView.Method("com.shop.Cart.total", 16, 23, 2, 3),
                new ProfileView.Method("com.shop.Item.toJson", 7, 7, 1, 1),
                new ProfileView.Method(ApplicationFilter.OUTSIDE, 3, 3, 1, 1),
                new ProfileView.Method("[GC Thread#0]", 2, 2, 1, 1));
        assertThat(app.totalMicrojoules()).isEqualTo(ProfileView.all(p).totalMicrojoules());
    }

    @Test
    void theCallTreeHasEachPathOnceWithItsTotalAndOwnEnergy() {
        Profile p = profile(stack(10, "m.A.run", "m.A.f"), stack(30, "m.A.run", "m.A.g"), stack(5, "m.A.run"));

        ProfileView.Node root = ProfileView.all(p).callTree("JVM");

        assertThat(root.totalMicrojoules).isEqualTo(45);
        ProfileView.Node run = root.children.get("m.A.run");
        assertThat(run.totalMicrojoules).isEqualTo(45);
        assertThat(run.ownMicrojoules).isEqualTo(5);
        assertThat(run.sortedChildren()).extracting(n -> n.name).containsExactly("m.A.g", "m.A.f");
    }

    @Test
    void collapsedStacksAreOneLinePerStackWithMicrojoules() {
        Profile p = profile(stack(10, "m.A.run", "m.A.f"), stack(0, "m.A.idle"), stack(30, "m.A.run", "m.A.g"));

        assertThat(CollapsedStacks.render(ProfileView.all(p))).isEqualTo("m.A.run;m.A.f 10\nm.A.run;m.A.g 30\n");
    }

    @Test
    void theFlameGraphIsOnePageThatNeedsNothingFromTheInternetAndCannotBeBrokenByAFrameName() {
        Profile p = profile(stack(10, "m.A.run", "m.A.<init>"), stack(30, "m.A.run", "m.A.g</script><b>"));

        String html = FlameGraphHtml.render(p, Reports.views(p));

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("src=").doesNotContain("</script><b>").contains("m.A.g\\u003c/script>\\u003cb>")
                .contains("estimated energy of package_0 from the model source");
    }
}
