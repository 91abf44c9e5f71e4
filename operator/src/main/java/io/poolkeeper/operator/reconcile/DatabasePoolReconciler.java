package io.poolkeeper.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.v1alpha1.Conditions;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.Topology;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.OperatorSettings;
import io.poolkeeper.operator.dependent.*;
import io.poolkeeper.operator.dependent.Preconditions.*;
import io.poolkeeper.operator.model.PoolPlan;
import io.poolkeeper.operator.probe.ProbeLogin;
import io.poolkeeper.operator.probe.ServerProbes;
import io.poolkeeper.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Duration;

/**
 * Reconciles a DatabasePool in named steps: validate the spec, observe the cluster and the
 * servers, decide the primary (failing over if needed), size the pools, apply the owned objects,
 * write the status. A missing prerequisite is status and a retry at the next probe, not an error.
 */
@Workflow(explicitInvocation = true, handleExceptionsInReconciler = true, dependents = {
    @Dependent(name = "config", type = ConfigMapDependent.class),
    @Dependent(name = "deployment", type = DeploymentDependent.class, reconcilePrecondition = Standalone.class, dependsOn = "config"),
    @Dependent(name = "service-rw", type = ReadWriteServiceDependent.class, reconcilePrecondition = Standalone.class),
    @Dependent(name = "service-ro", type = ReadOnlyServiceDependent.class, reconcilePrecondition = Standalone.class),
    @Dependent(name = "disruption-budget", type = DisruptionBudgetDependent.class, reconcilePrecondition = Standalone.class),
    @Dependent(name = "autoscaler", type = AutoscalerDependent.class, reconcilePrecondition = Autoscaled.class, dependsOn = "deployment"),
    @Dependent(name = "pod-monitor", type = PodMonitorDependent.class,
            activationCondition = MonitoringCrdsPresent.class, reconcilePrecondition = PodMonitorAsked.class),
    @Dependent(name = "prometheus-rule", type = PrometheusRuleDependent.class,
            activationCondition = MonitoringCrdsPresent.class, reconcilePrecondition = PrometheusRuleAsked.class)})
@ControllerConfiguration(name = DatabasePoolReconciler.NAME)
public class DatabasePoolReconciler implements Reconciler<DatabasePool>, Cleaner<DatabasePool> {
    public static final String NAME = "databasepool";
    /** How soon an invalid or blocked pool is looked at again when its probe interval cannot be read. */
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final OperatorSettings settings;
    private final OperatorMetrics metrics;
    private final FailoverStep failover;
    private final MonitoringCrds monitoringCrds;
    private final Clock clock;

    public DatabasePoolReconciler(OperatorSettings settings, ServerProbes probes, OperatorMetrics metrics, Clock clock) {
        this.settings = settings;
        this.metrics = metrics;
        this.failover = new FailoverStep(probes, metrics, clock);
        this.monitoringCrds = new MonitoringCrds(clock);
        this.clock = clock;
    }

    @Override
    public UpdateControl<DatabasePool> reconcile(DatabasePool pool, Context<DatabasePool> context) {
        PoolReport report = PoolReport.validated(pool, SpecValidator.validate(pool));
        if (report.problems().isEmpty()) report = converge(pool, context, report);
        return finish(pool, context, report);
    }

    private PoolReport converge(DatabasePool pool, Context<DatabasePool> context, PoolReport report) {
        try {
            ProbeLogin login = Credentials.read(context.getClient(), pool);
            Workload.Pods pods = Workload.observe(pool, context);
            Observation seen = new Observation(login, pods.max(), pods.ready(), pods.selector(),
                    Peers.sharing(pool, context.getPrimaryCache().list()), monitoringCrds.present(context.getClient()));
            report = report.with(seen);
            ServersView servers = failover.run(pool, login);
            report = report.with(servers, PoolSizer.limits(pool, servers));
            PoolSizer.Sizes sizes = PoolSizer.size(pool, seen, servers, report.limits());
            PoolPlan plan = PoolPlanner.plan(pool, seen, servers, sizes, settings.sidecarImage());
            report = report.with(sizes, plan.configHash());
            return report.applied(apply(pool, plan, context));
        } catch (PoolBlocked blocked) {
            return report.blocked(blocked.blocker());
        }
    }

    /** Runs the workflow with the plan; the Sidecar target is patched after the ConfigMap it mounts exists. */
    private static String apply(DatabasePool pool, PoolPlan plan, Context<DatabasePool> context) {
        var workflow = context.managedWorkflowAndDependentResourceContext();
        workflow.put(PoolPlan.KEY, plan);
        var result = workflow.reconcileManagedWorkflow();
        if (result.erroredDependentsExist()) {
            StringBuilder why = new StringBuilder();
            result.getErroredDependents().forEach((dependent, e) -> why.append(why.isEmpty() ? "" : "; ")
                    .append("could not apply the ").append(dependent.resourceType().getSimpleName()).append(": ").append(e.getMessage()));
            return why.toString();
        }
        if (pool.getSpec().topology() == Topology.Sidecar) SidecarInjector.apply(context.getClient(), pool, plan);
        return null;
    }

    private UpdateControl<DatabasePool> finish(DatabasePool pool, Context<DatabasePool> context, PoolReport report) {
        DatabasePoolStatus before = pool.getStatus();
        DatabasePoolStatus after = StatusBuilder.build(report, clock.instant());
        new PoolEvents(new EventRecorder(context.getClient(), clock)).record(pool, report, before, after);
        after.condition(Conditions.READY).ifPresent(ready ->
                metrics.poolReady(Peers.id(pool), "True".equals(ready.getStatus()), ready.getReason()));
        Duration next = nextLook(pool, report);
        if (after.equals(before)) return UpdateControl.<DatabasePool>noUpdate().rescheduleAfter(next);
        pool.setStatus(after);
        return UpdateControl.patchStatus(pool).rescheduleAfter(next);
    }

    /** Probes run on the probe interval; an invalid spec waits for an edit (which triggers a reconcile anyway). */
    private static Duration nextLook(DatabasePool pool, PoolReport report) {
        if (!report.problems().isEmpty()) return RETRY;
        return Durations.parse(pool.getSpec().failover().probeInterval());
    }

    /** Takes the sidecar out of a Sidecar target; everything else the pool made is owned and garbage-collected. */
    @Override
    public DeleteControl cleanup(DatabasePool pool, Context<DatabasePool> context) {
        metrics.poolGone(Peers.id(pool));
        if (pool.getSpec() != null && pool.getSpec().topology() == Topology.Sidecar && pool.getSpec().targetRef() != null
                && pool.getSpec().targetRef().name() != null) {
            SidecarInjector.remove(context.getClient(), pool);
        }
        return DeleteControl.defaultDelete();
    }
}
