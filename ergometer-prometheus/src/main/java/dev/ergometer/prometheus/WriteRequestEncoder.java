package dev.ergometer.prometheus;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The protobuf encoder of remote-write 1.0's {@code prometheus.WriteRequest}, written field by field with
 * {@link CodedOutputStream} so that no generated code (and no protoc) is needed.
 *
 * <pre>
 * message WriteRequest { repeated TimeSeries timeseries = 1; }
 * message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * message Label        { string name = 1; string value = 2; }
 * message Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 *
 * <p>Samples of one series (same metric and labels) go into one {@code TimeSeries}, in timestamp order; series keep
 * the order in which they first appear in the batch. Labels are written sorted by name, {@code __name__} included
 * where it sorts; {@link Sample} has already refused invalid names and repeated labels and dropped empty values.
 */
public final class WriteRequestEncoder {

    private static final int WRITE_REQUEST_TIMESERIES = 1;
    private static final int TIMESERIES_LABELS = 1;
    private static final int TIMESERIES_SAMPLES = 2;
    private static final int LABEL_NAME = 1;
    private static final int LABEL_VALUE = 2;
    private static final int SAMPLE_VALUE = 1;
    private static final int SAMPLE_TIMESTAMP = 2;

    private WriteRequestEncoder() {
    }

    /** The uncompressed protobuf bytes of the write request that carries {@code batch}. */
    public static byte[] encode(Batch batch) {
        Map<SortedMap<String, String>, List<Sample>> series = new LinkedHashMap<>();
        for (Sample sample : batch.samples()) {
            series.computeIfAbsent(sample.seriesLabels(), labels -> new ArrayList<>()).add(sample);
        }
        int size = 0;
        List<Integer> seriesSizes = new ArrayList<>(series.size());
        for (Map.Entry<SortedMap<String, String>, List<Sample>> entry : series.entrySet()) {
            entry.getValue().sort(Comparator.comparingLong(Sample::timestampMillis));
            int seriesSize = seriesSize(entry.getKey(), entry.getValue());
            seriesSizes.add(seriesSize);
            size += delimitedSize(WRITE_REQUEST_TIMESERIES, seriesSize);
        }
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            int i = 0;
            for (Map.Entry<SortedMap<String, String>, List<Sample>> entry : series.entrySet()) {
                writeDelimitedHeader(out, WRITE_REQUEST_TIMESERIES, seriesSizes.get(i++));
                for (Map.Entry<String, String> label : entry.getKey().entrySet()) {
                    writeDelimitedHeader(out, TIMESERIES_LABELS, labelSize(label.getKey(), label.getValue()));
                    out.writeString(LABEL_NAME, label.getKey());
                    out.writeString(LABEL_VALUE, label.getValue());
                }
                for (Sample sample : entry.getValue()) {
                    writeDelimitedHeader(out, TIMESERIES_SAMPLES, sampleSize(sample));
                    out.writeDouble(SAMPLE_VALUE, sample.value());
                    out.writeInt64(SAMPLE_TIMESTAMP, sample.timestampMillis());
                }
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a remote-write request into a byte array failed", e);
        }
        return bytes;
    }

    private static int seriesSize(SortedMap<String, String> labels, List<Sample> samples) {
        int size = 0;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            size += delimitedSize(TIMESERIES_LABELS, labelSize(label.getKey(), label.getValue()));
        }
        for (Sample sample : samples) {
            size += delimitedSize(TIMESERIES_SAMPLES, sampleSize(sample));
        }
        return size;
    }

    private static int labelSize(String name, String value) {
        return CodedOutputStream.computeStringSize(LABEL_NAME, name)
                + CodedOutputStream.computeStringSize(LABEL_VALUE, value);
    }

    private static int sampleSize(Sample sample) {
        return CodedOutputStream.computeDoubleSize(SAMPLE_VALUE, sample.value())
                + CodedOutputStream.computeInt64Size(SAMPLE_TIMESTAMP, sample.timestampMillis());
    }

    private static int delimitedSize(int field, int size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    private static void writeDelimitedHeader(CodedOutputStream out, int field, int size) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
    }
}
