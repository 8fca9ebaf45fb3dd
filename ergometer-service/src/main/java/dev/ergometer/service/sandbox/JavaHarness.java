package dev.ergometer.service.sandbox;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The harness that runs a Java submission inside the bubblewrap sandbox: compiles the submitted class with the JDK's
 * compiler (javax.tools, in this sandboxed JVM, so compiling is under the same limits as running), then runs the
 * test cases and the trial loops, speaking the line protocol of {@code docs/service-sandbox.md} on private copies
 * of stdin and stdout.
 *
 * <p>It runs in another JVM, from a copy of this class file alone, so it uses the JDK only and declares no nested
 * class. The submission's {@code System.out} goes to stderr (capped by the worker) and its {@code System.in} is
 * empty.
 */
final class JavaHarness {

    private static final int MAX_DEPTH = 60;
    private static final int MESSAGE_CHARS = 4000;
    private static final long EXACT_INT_LIMIT = 999_999_999_999_999_999L;
    private static final Path SOURCES = Path.of("/tmp/submission/src");
    private static final Path CLASSES = Path.of("/tmp/submission/classes");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern PUBLIC_CLASS =
            Pattern.compile("\\bpublic\\s+(?:(?:final|abstract|strictfp|sealed)\\s+)*(?:class|record)\\s+(\\w+)");
    private static final Pattern ANY_CLASS = Pattern.compile("\\b(?:class|record)\\s+(\\w+)");

    private static PrintStream protocolOut;
    private static BufferedReader protocolIn;
    private static volatile boolean finished;
    private static long memoryBytes;
    private static Method entryMethod;
    /** The last result of a measured call: a volatile write the JIT must keep. */
    private static volatile Object sink;

    private JavaHarness() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (OutOfMemoryError e) {
            fail("MEMORY", "ran out of memory: the limit is " + memoryBytes + " bytes (" + e + ")", null);
        } catch (Throwable t) {
            fail("CRASH", "the harness failed: " + trace(t), null);
        }
    }

    private static void run() throws IOException {
        protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        protocolIn = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in),
                StandardCharsets.UTF_8));
        System.setOut(System.err);
        System.setIn(InputStream.nullInputStream());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished) {
                sendError("RUNTIME", "the submission ended the JVM (System.exit)", null);
            }
        }));
        send("{\"event\":\"ready\"}");
        Map<?, ?> request = (Map<?, ?>) parseJson(receive());
        memoryBytes = ((Number) request.get("memoryBytes")).longValue();
        List<?> inputs = (List<?>) request.get("inputs");
        int warmups = ((Number) request.get("warmups")).intValue();
        int trials = ((Number) request.get("trials")).intValue();

        Class<?> type = load((String) request.get("code"), (String) request.get("entryPoint"));
        send("{\"event\":\"loaded\"}");

        Object[][] calls = prepare(type, inputs);
        for (int i = 0; i < calls.length; i++) {
            Object result = invoke(calls[i], i);
            String value;
            try {
                value = json(result, 0);
            } catch (RuntimeException e) {
                fail("RUNTIME", "test case " + i + ": the result cannot be written as JSON: " + e.getMessage(), i);
                return;
            }
            send("{\"event\":\"output\",\"case\":" + i + ",\"value\":" + value + "}");
        }
        if (!ask("{\"event\":\"validated\"}")) {
            end();
        }
        for (int trial = -warmups; trial < 0; trial++) {
            Object[][] fresh = prepare(type, inputs);
            if (!ask("{\"event\":\"trial-start\",\"trial\":" + trial + "}")) {
                end();
            }
            runPass(fresh);
            if (!ask("{\"event\":\"trial-end\",\"trial\":" + trial + "}")) {
                end();
            }
        }
        if (trials == 0) {
            end();
        }
        int passes = calibrate(type, inputs);
        for (int trial = 0; trial < trials; trial++) {
            Object[][][] fresh = new Object[passes][][];
            for (int pass = 0; pass < passes; pass++) {
                fresh[pass] = prepare(type, inputs);
            }
            if (!ask("{\"event\":\"trial-start\",\"trial\":" + trial + "}")) {
                break;
            }
            for (Object[][] pass : fresh) {
                runPass(pass);
            }
            if (!ask("{\"event\":\"trial-end\",\"trial\":" + trial + "}")) {
                break;
            }
        }
        end();
    }

    /** Every test case once, on the arguments given; each result is kept so the JIT cannot drop the call. */
    private static void runPass(Object[][] calls) {
        for (int i = 0; i < calls.length; i++) {
            sink = invoke(calls[i], i);
        }
    }

    /**
     * Times passes over the test cases as the worker asks ({@code time P}), until it says how many passes a trial
     * runs ({@code go P}); ends the run on {@code stop}.
     */
    private static int calibrate(Class<?> type, List<?> inputs) throws IOException {
        send("{\"event\":\"calibrate\"}");
        long argumentBytes = -2;
        while (true) {
            String[] answer = receive().split(" ");
            int passes = answer.length == 2 && answer[1].matches("[0-9]{1,9}") ? Integer.parseInt(answer[1]) : 0;
            if (passes < 1 || !(answer[0].equals("time") || answer[0].equals("go"))) {
                end(); // "stop", or anything else: no trials
            }
            if (answer[0].equals("go")) {
                return passes;
            }
            if (argumentBytes == -2) {
                argumentBytes = retainedBytesPerPass(type, inputs);
            }
            long built = System.nanoTime();
            Object[][][] fresh = new Object[passes][][];
            for (int pass = 0; pass < passes; pass++) {
                fresh[pass] = prepare(type, inputs);
            }
            long started = System.nanoTime();
            for (Object[][] pass : fresh) {
                runPass(pass);
            }
            long ended = System.nanoTime();
            send("{\"event\":\"calibrated\",\"passes\":" + passes + ",\"nanos\":" + (ended - started)
                    + ",\"argumentBytes\":" + argumentBytes + ",\"argumentNanos\":" + (started - built) + "}");
        }
    }

    /**
     * The heap the fresh arguments of one pass keep (not the garbage of converting them): the used heap after a full
     * collection, with and without a few of them held, over how many; sized by what one pass allocates, so that a
     * huge input is made only a few times. -1 when it cannot be told.
     */
    private static long retainedBytesPerPass(Class<?> type, List<?> inputs) {
        long allocated = 1024;
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean counting
                && counting.isThreadAllocatedMemorySupported()) {
            long before = counting.getCurrentThreadAllocatedBytes();
            prepare(type, inputs);
            allocated = Math.max(1, counting.getCurrentThreadAllocatedBytes() - before);
        }
        int count = (int) Math.max(1, Math.min(256, (4L << 20) / allocated));
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        Object[][][] held = new Object[count][][];
        for (int i = 0; i < count; i++) {
            held[i] = prepare(type, inputs);
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        Reference.reachabilityFence(held);
        return after > before ? Math.max(1, (after - before) / count) : -1;
    }

    // ---- protocol

    private static synchronized void send(String line) {
        protocolOut.print(line);
        protocolOut.print('\n');
        protocolOut.flush();
    }

    private static String receive() throws IOException {
        String line = protocolIn.readLine();
        if (line == null) {
            finished = true;
            Runtime.getRuntime().halt(3); // the worker is gone
        }
        return line.strip();
    }

    private static boolean ask(String event) throws IOException {
        send(event);
        return receive().equals("go");
    }

    private static void end() {
        finished = true;
        send("{\"event\":\"done\"}");
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void sendError(String type, String message, Integer testCase) {
        String text = message.length() > MESSAGE_CHARS ? message.substring(0, MESSAGE_CHARS) : message;
        send("{\"event\":\"error\",\"type\":" + quote(type) + ",\"message\":" + quote(text) + ",\"case\":"
                + (testCase == null ? "null" : testCase.toString()) + "}");
    }

    private static void fail(String type, String message, Integer testCase) {
        finished = true;
        sendError(type, message, testCase);
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }

    // ---- compiling and loading

    private static Class<?> load(String code, String entryPoint) throws IOException {
        String className;
        String methodName;
        int dot = entryPoint.lastIndexOf('.');
        if (dot > 0) {
            className = entryPoint.substring(0, dot);
            methodName = entryPoint.substring(dot + 1);
        } else {
            Matcher named = PUBLIC_CLASS.matcher(code);
            Matcher any = ANY_CLASS.matcher(code);
            if (named.find()) {
                className = named.group(1);
            } else if (any.find()) {
                className = any.group(1);
            } else {
                fail("COMPILE", "the submission declares no class (expected a class with a method '" + entryPoint
                        + "')", null);
                return null;
            }
            methodName = entryPoint;
        }
        Matcher pkg = PACKAGE.matcher(code);
        String packageName = pkg.find() ? pkg.group(1) : "";
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        String binaryName = className.contains(".") || packageName.isEmpty() ? className
                : packageName + "." + className;
        Matcher publicClass = PUBLIC_CLASS.matcher(code);
        String fileName = (publicClass.find() ? publicClass.group(1) : simpleName) + ".java";

        Files.createDirectories(SOURCES);
        Files.createDirectories(CLASSES);
        Path source = SOURCES.resolve(fileName);
        Files.writeString(source, code);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            fail("COMPILE", "no Java compiler in the sandbox (the service must point at a JDK, not a JRE)", null);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null,
                StandardCharsets.UTF_8)) {
            StringWriter compilerOutput = new StringWriter();
            compiled = compiler.getTask(compilerOutput, files, diagnostics,
                    List.of("-d", CLASSES.toString(), "-parameters", "-proc:none", "-nowarn", "-Xlint:none",
                            "-encoding", "UTF-8"),
                    null, files.getJavaFileObjects(source)).call();
        } catch (OutOfMemoryError e) {
            fail("MEMORY", "compiling the submission needs more memory than the limit of " + memoryBytes
                    + " bytes", null);
            return null;
        }
        if (!compiled) {
            StringBuilder message = new StringBuilder("the submission does not compile:");
            int shown = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR && shown++ < 20) {
                    message.append('\n').append(fileName).append(':').append(d.getLineNumber()).append(": ")
                            .append(d.getMessage(null));
                }
            }
            fail("COMPILE", message.toString(), null);
        }
        Class<?> type;
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {CLASSES.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            type = Class.forName(binaryName, false, loader);
        } catch (ClassNotFoundException e) {
            fail("COMPILE", "the submission declares no class '" + className + "' (the entry point is '"
                    + entryPoint + "')", null);
            return null;
        }
        List<Method> candidates = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(methodName) && !m.isSynthetic()) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            fail("COMPILE", "class " + type.getName() + " has no method '" + methodName + "'", null);
        }
        if (candidates.size() > 1) {
            fail("COMPILE", "class " + type.getName() + " has " + candidates.size() + " methods named '"
                    + methodName + "': the entry point must not be overloaded", null);
        }
        Method method = candidates.getFirst();
        method.setAccessible(true);
        entryMethod = method;
        return type;
    }

    /** The receiver and arguments of every test case, converted afresh (so a trial never sees mutated inputs). */
    private static Object[][] prepare(Class<?> type, List<?> inputs) {
        Object[][] calls = new Object[inputs.size()][];
        Method method = entryMethod;
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < calls.length; i++) {
            Object input = inputs.get(i);
            Object[] values = arguments(input, parameters, i);
            Object[] call = new Object[values.length + 1];
            call[0] = Modifier.isStatic(method.getModifiers()) ? null : instance(type, i);
            System.arraycopy(values, 0, call, 1, values.length);
            calls[i] = call;
        }
        return calls;
    }

    private static Object[] arguments(Object input, Parameter[] parameters, int testCase) {
        Object unwrapped = unwrapTuple(input);
        Object[] values = new Object[parameters.length];
        if (input instanceof Map<?, ?> named && !isTagged(named)) {
            for (Object key : named.keySet()) {
                boolean known = false;
                for (Parameter p : parameters) {
                    known |= p.getName().equals(key);
                }
                if (!known) {
                    fail("RUNTIME", "test case " + testCase + ": no parameter named '" + key + "' (the parameters are "
                            + parameterNames(parameters) + ")", testCase);
                }
            }
            for (int p = 0; p < parameters.length; p++) {
                if (!named.containsKey(parameters[p].getName())) {
                    fail("RUNTIME", "test case " + testCase + ": no value for parameter '" + parameters[p].getName()
                            + "'", testCase);
                }
                values[p] = convert(named.get(parameters[p].getName()), parameters[p].getParameterizedType(),
                        testCase, parameters[p].getName());
            }
        } else if (input instanceof List<?> positional) {
            if (positional.size() != parameters.length) {
                fail("RUNTIME", "test case " + testCase + ": a list input gives positional arguments; "
                        + positional.size() + " given, the method takes " + parameters.length
                        + (parameters.length == 1 ? " (wrap a single list argument in a list: [[1, 2, 3]])" : ""),
                        testCase);
            }
            for (int p = 0; p < parameters.length; p++) {
                values[p] = convert(positional.get(p), parameters[p].getParameterizedType(), testCase,
                        parameters[p].getName());
            }
        } else {
            if (parameters.length != 1) {
                fail("RUNTIME", "test case " + testCase + ": a single value is one argument, the method takes "
                        + parameters.length, testCase);
            }
            values[0] = convert(unwrapped, parameters[0].getParameterizedType(), testCase, parameters[0].getName());
        }
        return values;
    }

    private static String parameterNames(Parameter[] parameters) {
        List<String> names = new ArrayList<>();
        for (Parameter p : parameters) {
            names.add(p.getName());
        }
        return names.toString();
    }

    private static Object instance(Class<?> type, int testCase) {
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            fail("COMPILE", "the entry point is an instance method but " + type.getName()
                    + " has no constructor without parameters (make the method static)", testCase);
        } catch (InvocationTargetException e) {
            classifyAndFail(e.getCause(), testCase);
        } catch (ReflectiveOperationException e) {
            fail("RUNTIME", "cannot create " + type.getName() + ": " + e, testCase);
        }
        return null;
    }

    private static Object invoke(Object[] call, int testCase) {
        Object[] args = new Object[call.length - 1];
        System.arraycopy(call, 1, args, 0, args.length);
        try {
            return entryMethod.invoke(call[0], args);
        } catch (InvocationTargetException e) {
            classifyAndFail(e.getCause(), testCase);
        } catch (IllegalAccessException e) {
            fail("RUNTIME", "test case " + testCase + ": cannot call the entry point: " + e, testCase);
        } catch (Throwable t) {
            classifyAndFail(t, testCase);
        }
        return null;
    }

    // ---- errors

    private static void classifyAndFail(Throwable t, int testCase) {
        String prefix = "test case " + testCase + ": ";
        if (t instanceof OutOfMemoryError) {
            if (String.valueOf(t.getMessage()).contains("native thread")) {
                fail("SECURITY", prefix + "the process limit of the sandbox was reached (a thread bomb?): " + t,
                        testCase);
            }
            fail("MEMORY", prefix + "ran out of memory: the limit is " + memoryBytes + " bytes (" + t + ")", testCase);
        }
        if (t instanceof StackOverflowError) {
            fail("RUNTIME", prefix + "stack overflow (endless recursion?)\n" + trace(t), testCase);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String security = securityReason(c);
            if (security != null) {
                fail("SECURITY", prefix + security + "\n" + trace(t), testCase);
            }
        }
        fail("RUNTIME", prefix + trace(t), testCase);
    }

    private static String securityReason(Throwable t) {
        String name = t.getClass().getName();
        String message = String.valueOf(t.getMessage());
        if (name.equals("java.net.ConnectException") || name.equals("java.net.NoRouteToHostException")
                || name.equals("java.net.UnknownHostException") || message.contains("Network is unreachable")) {
            return "the sandbox has no network";
        }
        if (name.equals("java.nio.file.AccessDeniedException") || message.contains("Permission denied")) {
            return "permission denied by the sandbox";
        }
        if (name.equals("java.nio.file.ReadOnlyFileSystemException") || message.contains("Read-only file system")) {
            return "the file system is read-only in the sandbox (only /tmp is writable)";
        }
        if (message.contains("Cannot run program") && message.contains("error=11")) {
            return "the process limit of the sandbox was reached (a fork bomb?)";
        }
        return null;
    }

    private static String trace(Throwable t) {
        StringBuilder out = new StringBuilder(t.toString());
        for (StackTraceElement e : t.getStackTrace()) {
            String cls = e.getClassName();
            if (cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.")
                    || cls.equals(JavaHarness.class.getName())) {
                break;
            }
            out.append("\n\tat ").append(e);
        }
        return out.toString();
    }

    // ---- JSON to Java

    private static boolean isTagged(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        Object key = map.keySet().iterator().next();
        return "__tuple__".equals(key) || "__float__".equals(key) || "__int__".equals(key);
    }

    private static Object unwrapTuple(Object value) {
        if (value instanceof Map<?, ?> map && isTagged(map)) {
            Object inner = map.values().iterator().next();
            if (map.containsKey("__tuple__")) {
                return inner;
            }
            if (map.containsKey("__float__")) {
                return switchFloat(String.valueOf(inner));
            }
            return new BigInteger(String.valueOf(inner));
        }
        return value;
    }

    private static Double switchFloat(String name) {
        if (name.equals("NaN")) {
            return Double.NaN;
        }
        return name.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    private static Object convert(Object json, Type type, int testCase, String parameter) {
        Object value = unwrapTuple(json);
        Class<?> raw = rawClass(type);
        String where = "test case " + testCase + ", parameter '" + parameter + "': ";
        if (value == null) {
            if (raw.isPrimitive()) {
                fail("RUNTIME", where + "null given for a " + raw.getName(), testCase);
            }
            return null;
        }
        if (raw == Object.class) {
            return natural(value);
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE, where, testCase);
        }
        if (raw == long.class || raw == Long.class) {
            return integral(value, Long.MIN_VALUE, Long.MAX_VALUE, where, testCase);
        }
        if (raw == short.class || raw == Short.class) {
            return (short) integral(value, Short.MIN_VALUE, Short.MAX_VALUE, where, testCase);
        }
        if (raw == byte.class || raw == Byte.class) {
            return (byte) integral(value, Byte.MIN_VALUE, Byte.MAX_VALUE, where, testCase);
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            if (!(value instanceof Number number)) {
                fail("RUNTIME", where + "expected a number, got " + describe(value), testCase);
                return null;
            }
            return raw == float.class || raw == Float.class ? (Object) number.floatValue() : number.doubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!(value instanceof Boolean)) {
                fail("RUNTIME", where + "expected true or false, got " + describe(value), testCase);
            }
            return value;
        }
        if (raw == char.class || raw == Character.class) {
            if (!(value instanceof String s) || s.length() != 1) {
                fail("RUNTIME", where + "expected a one-character string, got " + describe(value), testCase);
                return null;
            }
            return s.charAt(0);
        }
        if (raw == String.class || raw == CharSequence.class) {
            if (!(value instanceof String)) {
                fail("RUNTIME", where + "expected a string, got " + describe(value), testCase);
            }
            return value;
        }
        if (raw == BigInteger.class) {
            return value instanceof BigInteger b ? b : BigInteger.valueOf(integral(value, Long.MIN_VALUE,
                    Long.MAX_VALUE, where, testCase));
        }
        if (raw == BigDecimal.class && value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (raw.isArray()) {
            List<?> list = listOf(value, where, testCase);
            Type component = type instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType();
            Object array = Array.newInstance(raw.getComponentType(), list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, convert(list.get(i), component, testCase, parameter + "[" + i + "]"));
            }
            return array;
        }
        if (raw.isAssignableFrom(ArrayList.class) || raw.isAssignableFrom(LinkedHashSet.class)) {
            List<?> list = listOf(value, where, testCase);
            Type element = typeArgument(type, 0);
            Collection<Object> out = raw.isAssignableFrom(ArrayList.class) ? new ArrayList<>() : new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(convert(list.get(i), element, testCase, parameter + "[" + i + "]"));
            }
            return out;
        }
        if (raw.isAssignableFrom(LinkedHashMap.class) && value instanceof Map<?, ?> map) {
            Type keyType = typeArgument(type, 0);
            Type valueType = typeArgument(type, 1);
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = rawClass(keyType) == String.class || rawClass(keyType) == Object.class ? e.getKey()
                        : convert(parseKey(String.valueOf(e.getKey())), keyType, testCase, parameter + " key");
                out.put(key, convert(e.getValue(), valueType, testCase, parameter + "." + e.getKey()));
            }
            return out;
        }
        fail("RUNTIME", where + "cannot pass " + describe(value) + " as a " + type.getTypeName(), testCase);
        return null;
    }

    private static Object parseKey(String key) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            return key;
        }
    }

    private static List<?> listOf(Object value, String where, int testCase) {
        if (!(value instanceof List<?> list)) {
            fail("RUNTIME", where + "expected a list, got " + describe(value), testCase);
            return null;
        }
        return list;
    }

    private static long integral(Object value, long min, long max, String where, int testCase) {
        long result = 0;
        if (value instanceof Long l) {
            result = l;
        } else if (value instanceof BigInteger b && b.bitLength() < 64) {
            result = b.longValue();
        } else if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e18) {
            result = d.longValue();
        } else {
            fail("RUNTIME", where + "expected an integer, got " + describe(value), testCase);
        }
        if (result < min || result > max) {
            fail("RUNTIME", where + result + " is out of range [" + min + ", " + max + "]", testCase);
        }
        return result;
    }

    private static Object natural(Object value) {
        Object v = unwrapTuple(value);
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(natural(o));
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), natural(e.getValue()));
            }
            return out;
        }
        return v;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof WildcardType w) {
            return rawClass(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            Type argument = p.getActualTypeArguments()[index];
            return argument instanceof WildcardType w ? w.getUpperBounds()[0] : argument;
        }
        return Object.class;
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "the string " + quote(s.length() > 40 ? s.substring(0, 40) + "..." : s);
        }
        if (value instanceof List<?> l) {
            return "a list of " + l.size();
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return String.valueOf(value);
    }

    // ---- Java to JSON

    private static String json(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the result nests more than " + MAX_DEPTH + " levels deep");
        }
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long l = ((Number) value).longValue();
            return Math.abs(l) <= EXACT_INT_LIMIT ? Long.toString(l) : "{\"__int__\":" + quote(Long.toString(l)) + "}";
        }
        if (value instanceof BigInteger b) {
            return b.abs().compareTo(BigInteger.valueOf(EXACT_INT_LIMIT)) <= 0 ? b.toString()
                    : "{\"__int__\":" + quote(b.toString()) + "}";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                return "{\"__float__\":\"NaN\"}";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "{\"__float__\":\"Infinity\"}" : "{\"__float__\":\"-Infinity\"}";
            }
            return value instanceof Float f ? Float.toString(f) : Double.toString(d);
        }
        if (value instanceof BigDecimal b) {
            return b.toString();
        }
        if (value instanceof Character || value instanceof CharSequence || value instanceof Enum<?>) {
            return quote(value instanceof Enum<?> e ? e.name() : value.toString());
        }
        if (value instanceof Optional<?> o) {
            return json(o.orElse(null), depth);
        }
        if (value.getClass().isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < Array.getLength(value); i++) {
                out.append(i == 0 ? "" : ",").append(json(Array.get(value, i), depth + 1));
            }
            return out.append(']').toString();
        }
        if (value instanceof Set<?> set) {
            List<String> items = new ArrayList<>();
            for (Object o : set) {
                items.add(json(o, depth + 2));
            }
            items.sort(null);
            return "{\"__set__\":[" + String.join(",", items) + "]}";
        }
        if (value instanceof Iterable<?> iterable) {
            StringBuilder out = new StringBuilder("[");
            boolean first = true;
            for (Object o : iterable) {
                out.append(first ? "" : ",").append(json(o, depth + 1));
                first = false;
            }
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            boolean stringKeys = map.keySet().stream().allMatch(k -> k instanceof String);
            StringBuilder out = new StringBuilder(stringKeys ? "{" : "{\"__dict__\":[");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                if (stringKeys) {
                    out.append(quote((String) e.getKey())).append(':').append(json(e.getValue(), depth + 1));
                } else {
                    out.append('[').append(json(e.getKey(), depth + 3)).append(',')
                            .append(json(e.getValue(), depth + 3)).append(']');
                }
            }
            return out.append(stringKeys ? "}" : "]}").toString();
        }
        if (value instanceof Record record) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (RecordComponent c : record.getClass().getRecordComponents()) {
                Object component;
                try {
                    Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    component = accessor.invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException("cannot read record component " + c.getName() + ": " + e);
                }
                out.append(first ? "" : ",").append(quote(c.getName())).append(':').append(json(component, depth + 1));
                first = false;
            }
            return out.append('}').toString();
        }
        String text = String.valueOf(value);
        return "{\"__repr__\":" + quote(text.length() > MESSAGE_CHARS ? text.substring(0, MESSAGE_CHARS) : text) + "}";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---- a small JSON parser for the request line

    private static Object parseJson(String text) {
        int[] at = {0};
        Object value = parseValue(text, at);
        skipSpace(text, at);
        if (at[0] != text.length()) {
            throw new IllegalArgumentException("trailing text at offset " + at[0] + " of the request");
        }
        return value;
    }

    private static Object parseValue(String s, int[] at) {
        skipSpace(s, at);
        char c = s.charAt(at[0]);
        if (c == '{') {
            at[0]++;
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpace(s, at);
            if (s.charAt(at[0]) == '}') {
                at[0]++;
                return map;
            }
            while (true) {
                skipSpace(s, at);
                String key = parseString(s, at);
                skipSpace(s, at);
                expect(s, at, ':');
                map.put(key, parseValue(s, at));
                skipSpace(s, at);
                if (s.charAt(at[0]) == ',') {
                    at[0]++;
                } else {
                    expect(s, at, '}');
                    return map;
                }
            }
        }
        if (c == '[') {
            at[0]++;
            List<Object> list = new ArrayList<>();
            skipSpace(s, at);
            if (s.charAt(at[0]) == ']') {
                at[0]++;
                return list;
            }
            while (true) {
                list.add(parseValue(s, at));
                skipSpace(s, at);
                if (s.charAt(at[0]) == ',') {
                    at[0]++;
                } else {
                    expect(s, at, ']');
                    return list;
                }
            }
        }
        if (c == '"') {
            return parseString(s, at);
        }
        if (s.startsWith("true", at[0])) {
            at[0] += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", at[0])) {
            at[0] += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("null", at[0])) {
            at[0] += 4;
            return null;
        }
        int start = at[0];
        boolean integral = true;
        while (at[0] < s.length() && "+-0123456789.eE".indexOf(s.charAt(at[0])) >= 0) {
            integral &= "0123456789-".indexOf(s.charAt(at[0])) >= 0;
            at[0]++;
        }
        String literal = s.substring(start, at[0]);
        if (literal.isEmpty()) {
            throw new IllegalArgumentException("unexpected '" + c + "' at offset " + start + " of the request");
        }
        if (integral) {
            BigInteger big = new BigInteger(literal);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return Double.parseDouble(literal);
    }

    private static String parseString(String s, int[] at) {
        expect(s, at, '"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = s.charAt(at[0]++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(at[0]++);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(at[0], at[0] + 4), 16));
                    at[0] += 4;
                }
                default -> out.append(e);
            }
        }
    }

    private static void expect(String s, int[] at, char c) {
        if (at[0] >= s.length() || s.charAt(at[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + at[0] + " of the request");
        }
        at[0]++;
    }

    private static void skipSpace(String s, int[] at) {
        while (at[0] < s.length() && Character.isWhitespace(s.charAt(at[0]))) {
            at[0]++;
        }
    }
}
