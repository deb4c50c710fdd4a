//! What `kubectl get leases -n kube-system` prints: a table with kubectl's
//! columns for leases (NAME, HOLDER, AGE), laid out as kubectl's tabwriter
//! lays it out (columns 3 spaces apart, at least 6 wide), ages written as
//! apimachinery's `HumanDuration` writes them.

use super::lease::LeaseObject;
use super::spec::Micros;

/// kubectl's answer when the namespace holds no lease.
pub const NO_LEASES: &str = "No resources found in kube-system namespace.";
/// What kubectl says when the load balancer has no apiserver to send the
/// request to (it accepts the connection and closes it at once).
pub const NO_BACKEND: &str = "Unable to connect to the server: EOF";
/// What kubectl says when the apiserver cannot read from etcd.
pub const ETCD_TIMED_OUT: &str = "Error from server: etcdserver: request timed out";

/// The leases, sorted by name, as of `now`.
pub fn print_leases(leases: &[LeaseObject], now: Micros) -> Vec<String> {
    if leases.is_empty() {
        return vec![NO_LEASES.to_string()];
    }
    let mut rows = vec![["NAME".to_string(), "HOLDER".to_string(), "AGE".to_string()]];
    for l in leases {
        rows.push([
            l.name.name().to_string(),
            l.record.holder.to_string(),
            human_duration(now.saturating_sub(l.created)),
        ]);
    }
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0) + 3;
    let (w0, w1) = (width(0).max(6), width(1).max(6));
    rows.iter().map(|r| format!("{:<w0$}{:<w1$}{}", r[0], r[1], r[2])).collect()
}

/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`: `45s`, `3m12s`,
/// `15m`, `2h5m`, `3d4h`.
pub fn human_duration(d: Micros) -> String {
    let seconds = d / 1_000_000;
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{dy}d", hours / 24 / 365) };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::lease::{LeaseName, LeaseRecord};

    #[test]
    fn ages_read_as_kubectl_writes_them() {
        let s = 1_000_000;
        for (d, text) in [
            (0, "0s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (192 * s, "3m12s"),
            (600 * s, "10m"),
            (3 * 3600 * s, "3h"),
            (3 * 3600 * s + 300 * s, "3h5m"),
            (9 * 3600 * s, "9h"),
            (52 * 3600 * s, "2d4h"),
            (30 * 86400 * s, "30d"),
        ] {
            assert_eq!(human_duration(d), text, "{d}");
        }
    }

    #[test]
    fn the_table_has_kubectl_columns() {
        let lease = |name, holder: &str| LeaseObject {
            name,
            record: LeaseRecord {
                holder: holder.into(),
                duration_seconds: 15,
                acquire_time: 0,
                renew_time: 0,
                transitions: 0,
            },
            created: 2_000_000,
            resource_version: 3,
        };
        let out = print_leases(
            &[lease(LeaseName::ControllerManager, "cp1_ab"), lease(LeaseName::Scheduler, "cp2_cd")],
            65_000_000,
        );
        assert_eq!(
            out,
            [
                "NAME                      HOLDER   AGE",
                "kube-controller-manager   cp1_ab   63s",
                "kube-scheduler            cp2_cd   63s",
            ]
        );
        assert_eq!(print_leases(&[], 0), [NO_LEASES]);
    }
}
