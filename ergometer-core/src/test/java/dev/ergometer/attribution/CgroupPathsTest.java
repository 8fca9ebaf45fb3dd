package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupPathsTest {

    private static final String ID = "3f2a9c0b1d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";
    private static final String UID = "8a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9";
    private static final String UNDERSCORED = UID.replace('-', '_');

    @Test
    void dockerWithTheCgroupfsDriver() {
        assertThat(CgroupPaths.container("/docker/" + ID)).contains(new Consumer.Container("docker", ID));
    }

    @Test
    void dockerWithTheSystemdDriver() {
        assertThat(CgroupPaths.container("/system.slice/docker-" + ID + ".scope"))
                .contains(new Consumer.Container("docker", ID));
    }

    @Test
    void containerdScopeInAKubernetesPod() {
        String path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UNDERSCORED
                + ".slice/cri-containerd-" + ID + ".scope";
        assertThat(CgroupPaths.container(path)).contains(new Consumer.Container("containerd", ID));
        assertThat(CgroupPaths.pod(path)).contains(new Consumer.Pod(UID, Consumer.QosClass.BURSTABLE));
    }

    @Test
    void crioScopeButNotItsMonitor() {
        assertThat(CgroupPaths.container("/kubepods.slice/crio-" + ID + ".scope"))
                .contains(new Consumer.Container("cri-o", ID));
        assertThat(CgroupPaths.container("/kubepods.slice/crio-conmon-" + ID + ".scope")).isEmpty();
    }

    @Test
    void podmanScopeButNotItsMonitor() {
        assertThat(CgroupPaths.container("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID
                + ".scope/container")).contains(new Consumer.Container("podman", ID));
        assertThat(CgroupPaths.container("/machine.slice/libpod-conmon-" + ID + ".scope")).isEmpty();
    }

    @Test
    void plainCgroupsAreNoContainerAndNoPod() {
        assertThat(CgroupPaths.container("/user.slice/user-1000.slice/session-2.scope")).isEmpty();
        assertThat(CgroupPaths.container("/" + ID)).isEmpty();
        assertThat(CgroupPaths.pod("/system.slice/kubelet.service")).isEmpty();
    }

    @Test
    void besteffortPodWithTheCgroupfsDriver() {
        assertThat(CgroupPaths.pod("/kubepods/besteffort/pod" + UID + "/" + ID))
                .contains(new Consumer.Pod(UID, Consumer.QosClass.BEST_EFFORT));
    }

    @Test
    void guaranteedPodSitsDirectlyUnderKubepods() {
        assertThat(CgroupPaths.pod("/kubepods/pod" + UID + "/" + ID))
                .contains(new Consumer.Pod(UID, Consumer.QosClass.GUARANTEED));
        assertThat(CgroupPaths.pod("/kubepods.slice/kubepods-pod" + UNDERSCORED + ".slice/crio-" + ID + ".scope"))
                .contains(new Consumer.Pod(UID, Consumer.QosClass.GUARANTEED));
    }

    @Test
    void besteffortPodWithTheSystemdDriver() {
        assertThat(CgroupPaths.pod("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UNDERSCORED
                + ".slice")).contains(new Consumer.Pod(UID, Consumer.QosClass.BEST_EFFORT));
    }
}
