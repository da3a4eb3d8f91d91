package to.clasp.server;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import to.clasp.journal.DurableState;
import to.clasp.journal.JournalMetrics;
import to.clasp.journal.LatencyHistogram;

/**
 * The durable state's metrics ({@code --data-dir}), read at scrape time like the core's: journal records and bytes
 * (their rate is records/s and bytes/s), the recorded and durable positions, fsync latency, ACK hold time, snapshot
 * duration and size, recovery time, and disk use. Names in docs/operations.md.
 */
final class DurableMetrics
{
    private DurableMetrics()
    {
    }

    /**
     * @param durable null when the router runs in memory (nothing is registered).
     * @return the registry.
     */
    static PrometheusRegistry register(final PrometheusRegistry registry, final DurableState durable)
    {
        if (null == durable)
        {
            return registry;
        }
        final JournalMetrics m = durable.metrics();
        MetricsEndpoint.counter(registry, "clasp_journal_records", "Records appended to the journal.", m,
            JournalMetrics::appendedRecords);
        MetricsEndpoint.counter(registry, "clasp_journal_bytes", "Record bytes appended to the journal.", m,
            JournalMetrics::appendedBytes);
        MetricsEndpoint.counter(registry, "clasp_journal_refused", "Appends the journal could not take (back-pressure or failure).",
            m, JournalMetrics::refusedAppends);
        MetricsEndpoint.gauge(registry, "clasp_journal_recorded_position", "Journal position written by the archive.", m,
            JournalMetrics::recordedPosition);
        MetricsEndpoint.gauge(registry, "clasp_journal_durable_position", "Journal position synced per --fsync.", m,
            JournalMetrics::durablePosition);
        MetricsEndpoint.counter(registry, "clasp_journal_sync_failures", "fsync calls that failed (the journal then fails: not retried).", m,
            JournalMetrics::syncFailures);
        MetricsEndpoint.gauge(registry, "clasp_journal_failed", "1 once the journal failed (disk full, I/O error, " +
            "failed fsync): writes are refused until a restart.", m, JournalMetrics::failed);
        MetricsEndpoint.counter(registry, "clasp_journal_purged_segments", "Journal segment files purged.", m,
            JournalMetrics::purgedSegments);
        MetricsEndpoint.counter(registry, "clasp_snapshots", "Snapshots written.", m, JournalMetrics::snapshots);
        MetricsEndpoint.counter(registry, "clasp_snapshot_failures", "Snapshots abandoned after an error.", m,
            JournalMetrics::snapshotFailures);
        GaugeWithCallback.builder().name("clasp_snapshot_last_seconds").help("Duration of the last snapshot.")
            .callback(cb -> cb.call(m.lastSnapshotNs() / 1e9)).register(registry);
        MetricsEndpoint.gauge(registry, "clasp_snapshot_last_bytes", "Size of the last snapshot file.", m,
            JournalMetrics::lastSnapshotBytes);
        MetricsEndpoint.gauge(registry, "clasp_snapshot_last_params", "Params in the last snapshot.", m,
            JournalMetrics::lastSnapshotParams);
        GaugeWithCallback.builder().name("clasp_recovery_seconds").help("Time the start-up recovery took.")
            .callback(cb -> cb.call(m.recoveryNs() / 1e9)).register(registry);
        MetricsEndpoint.gauge(registry, "clasp_recovered_params", "Params recovered at start-up.", m,
            JournalMetrics::recoveredParams);
        MetricsEndpoint.gauge(registry, "clasp_recovery_replayed_records", "Journal records replayed at start-up.", m,
            JournalMetrics::replayedRecords);
        MetricsEndpoint.counter(registry, "clasp_replay_requests", "REPLAY requests served.", m, JournalMetrics::replayRequests);
        MetricsEndpoint.counter(registry, "clasp_replay_frames", "Frames sent in answer to REPLAY.", m, JournalMetrics::replayFrames);
        GaugeWithCallback.builder().name("clasp_durable_disk_bytes")
            .help("Bytes of durable state on disk: retained journal records, snapshots, catalog.")
            .callback(cb -> cb.call(durable.diskBytes())).register(registry);
        GaugeWithCallback.builder().name("clasp_durable_disk_free_bytes")
            .help("Bytes free on the data directory's file system.")
            .callback(cb -> cb.call(durable.directory().usableBytes())).register(registry);
        registry.register(() -> latency("clasp_journal_fsync_seconds", "fsync latency of the journal.",
            m.fsyncLatency()));
        registry.register(() -> latency("clasp_ack_hold_seconds",
            "Time a QoS >= 1 ACK waited for its journal record to be durable.", m.ackHold()));
        registry.register(() -> latency("clasp_ack_release_lag_seconds",
            "From the end of the sync that made held ACKs durable to the core sending them.", m.ackReleaseLag()));
        return registry;
    }

    private static MetricSnapshot latency(final String name, final String help, final LatencyHistogram h)
    {
        return MetricsEndpoint.histogram(name, help, LatencyHistogram.BUCKETS, LatencyHistogram::upperBoundNs,
            h::bucket, 1e-9, h.sumNs());
    }
}
