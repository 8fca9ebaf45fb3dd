/*
 * A stub libnvidia-ml for tests: implements the NVML functions Ergometer calls and answers from a script.
 *
 * The script is the file "<this library's path>.script" (found with dladdr), so every test copies the compiled
 * library to a fresh file name next to its own script: dlopen of a new path loads a fresh copy with fresh state.
 *
 * Script lines (one per line, '#' starts a comment):
 *   init_error CODE              nvmlInit_v2 fails with CODE (a number or a name such as DRIVER_NOT_LOADED)
 *   origin_ns N                  CLOCK_MONOTONIC nanoseconds at which time-based curves start (default: init time)
 *   device                       starts a new device; the lines below describe it
 *   name TEXT / uuid TEXT / busid TEXT
 *   handle_error CODE            nvmlDeviceGetHandleByIndex_v2 fails for this device
 *   energy_seq V1 V2 ...         mJ returned by successive nvmlDeviceGetTotalEnergyConsumption calls (last repeats)
 *   power_seq V1 V2 ...          mW returned by successive nvmlDeviceGetPowerUsage calls (last repeats)
 *   power_ramp P0 SLOPE          power P0 + SLOPE * t mW (SLOPE in mW per second, t since origin)
 *   power_step P0 P1 AT_MS       power P0 before AT_MS ms after origin, P1 from then on
 *                                with a curve, energy is its exact integral in mJ (truncated) unless energy_seq is given
 *   energy_period_ms N           the energy counter only moves every N ms (as real GPUs' counters do)
 *   energy_base V                mJ added to the curve's energy (a counter that did not start at 0)
 *   energy_error CODE / power_error CODE
 *   lost_after K                 after K successful energy/power calls on this device, every call returns GPU_IS_LOST
 *   process PID MEM_BYTES        a running compute process
 *   sample PID TS SM MEM ENC DEC a process utilisation sample (nvmlDeviceGetProcessUtilization)
 *   sample_error CODE            nvmlDeviceGetProcessUtilization fails with CODE (NOT_SUPPORTED on GeForce parts)
 *   util_sample TS PERCENT       a device GPU utilisation sample (nvmlDeviceGetSamples, NVML_GPU_UTILIZATION_SAMPLES)
 *   util_error CODE              nvmlDeviceGetSamples fails with CODE
 *
 * Samples can also arrive while the library is in use: before answering nvmlDeviceGetProcessUtilization or
 * nvmlDeviceGetSamples, the stub re-reads "<this library's path>.live", whose lines are a device index followed by a
 * 'sample' or 'util_sample' line ("0 sample 4242 1700000000 55 10 0 0"), and answers from the script's samples plus
 * those. A test appends to that file between two reads.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEVICES 16
#define MAX_SEQ 256
#define MAX_ROWS 32
#define MAX_SAMPLES 1024

enum curve { CURVE_NONE, CURVE_RAMP, CURVE_STEP };

struct sample { unsigned int pid; unsigned long long ts; unsigned int sm, mem, enc, dec; };
struct util_sample { unsigned long long ts; unsigned int percent; };

struct device {
    char name[96], uuid[96], busid[32];
    int handle_error, energy_error, power_error;
    unsigned long long energy_seq[MAX_SEQ]; int energy_n, energy_calls;
    unsigned int power_seq[MAX_SEQ]; int power_n, power_calls;
    enum curve curve; double p0, p1, slope, at_ms;
    long long energy_period_ms; unsigned long long energy_base;
    long long lost_after; long long reads;
    unsigned int pids[MAX_ROWS]; unsigned long long mems[MAX_ROWS]; int processes;
    struct sample samples[MAX_SAMPLES]; int sample_n, script_sample_n, sample_error;
    struct util_sample utils[MAX_SAMPLES]; int util_n, script_util_n, util_error;
};

static struct device devices[MAX_DEVICES];
static int device_count;
static int init_error;
static int loaded;
static int initialised;
static long long origin_ns = -1;
static char live_path[4096];

static long long monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *names[] = {
    "SUCCESS", "UNINITIALIZED", "INVALID_ARGUMENT", "NOT_SUPPORTED", "NO_PERMISSION", "ALREADY_INITIALIZED",
    "NOT_FOUND", "INSUFFICIENT_SIZE", "INSUFFICIENT_POWER", "DRIVER_NOT_LOADED", "TIMEOUT", "IRQ_ISSUE",
    "LIBRARY_NOT_FOUND", "FUNCTION_NOT_FOUND", "CORRUPTED_INFOROM", "GPU_IS_LOST", "RESET_REQUIRED",
    "OPERATING_SYSTEM", "LIB_RM_VERSION_MISMATCH", "IN_USE", "MEMORY", "NO_DATA"};

static int code_of(const char *text) {
    for (int i = 0; i < (int) (sizeof names / sizeof names[0]); i++) {
        if (strcmp(text, names[i]) == 0) return i;
    }
    if (strcmp(text, "UNKNOWN") == 0) return 999;
    return atoi(text);
}

static void rest_of_line(char *dest, size_t size, const char *line) {
    while (*line == ' ' || *line == '\t') line++;
    snprintf(dest, size, "%s", line);
    size_t n = strlen(dest);
    while (n > 0 && (dest[n - 1] == '\n' || dest[n - 1] == '\r')) dest[--n] = 0;
}

static void add_sample(struct device *d, const char *key, const char *rest) {
    if (strcmp(key, "sample") == 0 && d->sample_n < MAX_SAMPLES) {
        struct sample *s = &d->samples[d->sample_n++];
        sscanf(rest, "%u %llu %u %u %u %u", &s->pid, &s->ts, &s->sm, &s->mem, &s->enc, &s->dec);
    } else if (strcmp(key, "util_sample") == 0 && d->util_n < MAX_SAMPLES) {
        struct util_sample *u = &d->utils[d->util_n++];
        sscanf(rest, "%llu %u", &u->ts, &u->percent);
    } else {
        fprintf(stderr, "nvml_stub: cannot read sample line '%s %s'\n", key, rest);
    }
}

static void load_script(void) {
    if (loaded) return;
    loaded = 1;
    Dl_info info;
    if (!dladdr((void *) &load_script, &info) || info.dli_fname == NULL) return;
    char path[4096];
    snprintf(path, sizeof path, "%s.script", info.dli_fname);
    snprintf(live_path, sizeof live_path, "%s.live", info.dli_fname);
    FILE *f = fopen(path, "r");
    if (f == NULL) { fprintf(stderr, "nvml_stub: cannot read %s\n", path); return; }
    char line[8192], key[64], arg[64];
    struct device *d = NULL;
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        int used = 0;
        if (sscanf(line, "%63s%n", key, &used) != 1) continue;
        char *rest = line + used;
        if (strcmp(key, "device") == 0 && device_count < MAX_DEVICES) {
            d = &devices[device_count++];
            snprintf(d->name, sizeof d->name, "Stub GPU %d", device_count - 1);
            snprintf(d->uuid, sizeof d->uuid, "GPU-stub-%d", device_count - 1);
            snprintf(d->busid, sizeof d->busid, "00000000:%02X:00.0", device_count);
            d->lost_after = -1;
        } else if (strcmp(key, "init_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            init_error = code_of(arg);
        } else if (strcmp(key, "origin_ns") == 0) {
            origin_ns = atoll(rest);
        } else if (d == NULL) {
            fprintf(stderr, "nvml_stub: '%s' before any 'device' line\n", key);
        } else if (strcmp(key, "name") == 0) {
            rest_of_line(d->name, sizeof d->name, rest);
        } else if (strcmp(key, "uuid") == 0) {
            rest_of_line(d->uuid, sizeof d->uuid, rest);
        } else if (strcmp(key, "busid") == 0) {
            rest_of_line(d->busid, sizeof d->busid, rest);
        } else if (strcmp(key, "handle_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            d->handle_error = code_of(arg);
        } else if (strcmp(key, "energy_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            d->energy_error = code_of(arg);
        } else if (strcmp(key, "power_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            d->power_error = code_of(arg);
        } else if (strcmp(key, "energy_seq") == 0) {
            char *p = rest, *end;
            for (unsigned long long v = strtoull(p, &end, 10); end != p && d->energy_n < MAX_SEQ;
                    p = end, v = strtoull(p, &end, 10)) d->energy_seq[d->energy_n++] = v;
        } else if (strcmp(key, "power_seq") == 0) {
            char *p = rest, *end;
            for (unsigned long v = strtoul(p, &end, 10); end != p && d->power_n < MAX_SEQ;
                    p = end, v = strtoul(p, &end, 10)) d->power_seq[d->power_n++] = (unsigned int) v;
        } else if (strcmp(key, "power_ramp") == 0) {
            d->curve = CURVE_RAMP;
            sscanf(rest, "%lf %lf", &d->p0, &d->slope);
        } else if (strcmp(key, "power_step") == 0) {
            d->curve = CURVE_STEP;
            sscanf(rest, "%lf %lf %lf", &d->p0, &d->p1, &d->at_ms);
        } else if (strcmp(key, "energy_period_ms") == 0) {
            d->energy_period_ms = atoll(rest);
        } else if (strcmp(key, "energy_base") == 0) {
            d->energy_base = strtoull(rest, NULL, 10);
        } else if (strcmp(key, "lost_after") == 0) {
            d->lost_after = atoll(rest);
        } else if (strcmp(key, "process") == 0 && d->processes < MAX_ROWS) {
            sscanf(rest, "%u %llu", &d->pids[d->processes], &d->mems[d->processes]);
            d->processes++;
        } else if (strcmp(key, "sample") == 0 || strcmp(key, "util_sample") == 0) {
            add_sample(d, key, rest);
        } else if (strcmp(key, "sample_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            d->sample_error = code_of(arg);
        } else if (strcmp(key, "util_error") == 0 && sscanf(rest, "%63s", arg) == 1) {
            d->util_error = code_of(arg);
        } else {
            fprintf(stderr, "nvml_stub: cannot read script line '%s'\n", line);
        }
    }
    fclose(f);
    for (int i = 0; i < device_count; i++) {
        devices[i].script_sample_n = devices[i].sample_n;
        devices[i].script_util_n = devices[i].util_n;
    }
}

/* Samples = the script's, then those of the live file as it is now. */
static void load_live(void) {
    for (int i = 0; i < device_count; i++) {
        devices[i].sample_n = devices[i].script_sample_n;
        devices[i].util_n = devices[i].script_util_n;
    }
    FILE *f = live_path[0] ? fopen(live_path, "r") : NULL;
    if (f == NULL) return;
    char line[1024], key[64];
    while (fgets(line, sizeof line, f)) {
        int index, used = 0;
        if (sscanf(line, "%d %63s%n", &index, key, &used) != 2) continue;
        if (index < 0 || index >= device_count) {
            fprintf(stderr, "nvml_stub: live sample for device %d, which does not exist\n", index);
            continue;
        }
        add_sample(&devices[index], key, line + used);
    }
    fclose(f);
}

/* Power of the curve in mW at t seconds after the origin. */
static double curve_power_mw(const struct device *d, double t) {
    if (t < 0) t = 0;
    if (d->curve == CURVE_RAMP) return d->p0 + d->slope * t;
    return t * 1000.0 < d->at_ms ? d->p0 : d->p1;
}

/* Energy of the curve in mJ from the origin to t seconds after it. */
static double curve_energy_mj(const struct device *d, double t) {
    if (t < 0) t = 0;
    if (d->curve == CURVE_RAMP) return d->p0 * t + d->slope * t * t / 2;
    double at = d->at_ms / 1000.0;
    return t < at ? d->p0 * t : d->p0 * at + d->p1 * (t - at);
}

static double seconds_since_origin(void) {
    return (double) (monotonic_ns() - origin_ns) / 1e9;
}

typedef int nvmlReturn_t;
typedef struct device *nvmlDevice_t;

typedef struct {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
    unsigned int pid;
    unsigned long long timeStamp;
    unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;

static nvmlReturn_t check_device(nvmlDevice_t device) {
    if (!initialised) return 1;
    if (device < devices || device >= devices + device_count) return 2;
    return 0;
}

/* Counts a read and says whether the device is lost. */
static int lost(nvmlDevice_t d) {
    return d->lost_after >= 0 && d->reads >= d->lost_after;
}

nvmlReturn_t nvmlInit_v2(void) {
    load_script();
    if (init_error) return init_error;
    if (origin_ns < 0) origin_ns = monotonic_ns();
    initialised = 1;
    return 0;
}

nvmlReturn_t nvmlShutdown(void) {
    if (!initialised) return 1;
    initialised = 0;
    return 0;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    static const char *texts[] = {
        "Success", "Uninitialized", "Invalid Argument", "Not Supported", "Insufficient Permissions",
        "Already Initialized", "Not Found", "Insufficient Size", "Insufficient External Power",
        "Driver Not Loaded", "Timeout", "Interrupt Request Issue", "NVML Shared Library Not Found",
        "Function Not Found", "Corrupted infoROM", "GPU is lost", "GPU requires restart",
        "The operating system has blocked the request.", "RM has detected an NVML/RM version mismatch.",
        "In use by another client", "Insufficient Memory", "No data"};
    if (result >= 0 && result < (int) (sizeof texts / sizeof texts[0])) return texts[result];
    return "Unknown Error";
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!initialised) return 1;
    if (count == NULL) return 2;
    *count = (unsigned int) device_count;
    return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!initialised) return 1;
    if (device == NULL || index >= (unsigned int) device_count) return 2;
    if (devices[index].handle_error) return devices[index].handle_error;
    *device = &devices[index];
    return 0;
}

static nvmlReturn_t copy_text(const char *text, char *dest, unsigned int length) {
    if (dest == NULL) return 2;
    if (strlen(text) + 1 > length) return 7;
    strcpy(dest, text);
    return 0;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    nvmlReturn_t r = check_device(device);
    return r ? r : lost(device) ? 15 : copy_text(device->name, name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    nvmlReturn_t r = check_device(device);
    return r ? r : lost(device) ? 15 : copy_text(device->uuid, uuid, length);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (pci == NULL) return 2;
    if (lost(device)) return 15;
    memset(pci, 0, sizeof *pci);
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%.15s", device->busid);
    snprintf(pci->busId, sizeof pci->busId, "%s", device->busid);
    sscanf(device->busid, "%x:%x:%x", &pci->domain, &pci->bus, &pci->device);
    return 0;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (energy == NULL) return 2;
    if (device->energy_error) return device->energy_error;
    if (lost(device)) return 15;
    if (device->energy_n > 0) {
        int i = device->energy_calls < device->energy_n ? device->energy_calls : device->energy_n - 1;
        device->energy_calls++;
        *energy = device->energy_seq[i];
    } else if (device->curve != CURVE_NONE) {
        double t = seconds_since_origin();
        if (device->energy_period_ms > 0) {
            double period = device->energy_period_ms / 1000.0;
            t = (double) (long long) (t / period) * period;
        }
        *energy = device->energy_base + (unsigned long long) curve_energy_mj(device, t);
    } else {
        return 3;
    }
    device->reads++;
    return 0;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (power == NULL) return 2;
    if (device->power_error) return device->power_error;
    if (lost(device)) return 15;
    if (device->power_n > 0) {
        int i = device->power_calls < device->power_n ? device->power_calls : device->power_n - 1;
        device->power_calls++;
        *power = device->power_seq[i];
    } else if (device->curve != CURVE_NONE) {
        *power = (unsigned int) (curve_power_mw(device, seconds_since_origin()) + 0.5);
    } else {
        return 3;
    }
    device->reads++;
    return 0;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count,
        nvmlProcessInfo_t *infos) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (count == NULL) return 2;
    if (lost(device)) return 15;
    unsigned int capacity = *count;
    *count = (unsigned int) device->processes;
    if (infos == NULL || capacity < (unsigned int) device->processes) return device->processes == 0 ? 0 : 7;
    for (int i = 0; i < device->processes; i++) {
        infos[i].pid = device->pids[i];
        infos[i].usedGpuMemory = device->mems[i];
        infos[i].gpuInstanceId = 0xFFFFFFFFu;
        infos[i].computeInstanceId = 0xFFFFFFFFu;
    }
    return 0;
}

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization,
        unsigned int *count, unsigned long long lastSeenTimeStamp) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (count == NULL) return 2;
    if (lost(device)) return 15;
    if (device->sample_error) return device->sample_error;
    load_live();
    unsigned int newer = 0;
    for (int i = 0; i < device->sample_n; i++) {
        if (device->samples[i].ts > lastSeenTimeStamp) newer++;
    }
    if (newer == 0) { *count = 0; return 6; }
    if (utilization == NULL || *count < newer) { *count = newer; return 7; }
    unsigned int j = 0;
    for (int i = 0; i < device->sample_n; i++) {
        struct sample *s = &device->samples[i];
        if (s->ts <= lastSeenTimeStamp) continue;
        utilization[j].pid = s->pid;
        utilization[j].timeStamp = s->ts;
        utilization[j].smUtil = s->sm;
        utilization[j].memUtil = s->mem;
        utilization[j].encUtil = s->enc;
        utilization[j].decUtil = s->dec;
        j++;
    }
    *count = j;
    return 0;
}

typedef union {
    double dVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
} nvmlValue_t;

typedef struct {
    unsigned long long timeStamp;
    nvmlValue_t sampleValue;
} nvmlSample_t;

/* Only NVML_GPU_UTILIZATION_SAMPLES (1) is scripted; values are unsigned int (NVML_VALUE_TYPE_UNSIGNED_INT, 1). */
nvmlReturn_t nvmlDeviceGetSamples(nvmlDevice_t device, int type, unsigned long long lastSeenTimeStamp,
        int *sampleValType, unsigned int *sampleCount, nvmlSample_t *samples) {
    nvmlReturn_t r = check_device(device);
    if (r) return r;
    if (sampleValType == NULL || sampleCount == NULL) return 2;
    if (lost(device)) return 15;
    if (type != 1) return 3;
    if (device->util_error) return device->util_error;
    load_live();
    unsigned int newer = 0;
    for (int i = 0; i < device->util_n; i++) {
        if (device->utils[i].ts > lastSeenTimeStamp) newer++;
    }
    *sampleValType = 1;
    if (newer == 0) { *sampleCount = 0; return 6; }
    if (samples == NULL) { *sampleCount = newer; return 0; }
    unsigned int j = 0;
    for (int i = 0; i < device->util_n && j < *sampleCount; i++) {
        if (device->utils[i].ts <= lastSeenTimeStamp) continue;
        samples[j].timeStamp = device->utils[i].ts;
        samples[j].sampleValue.ullVal = 0;
        samples[j].sampleValue.uiVal = device->utils[i].percent;
        j++;
    }
    *sampleCount = j;
    return 0;
}
