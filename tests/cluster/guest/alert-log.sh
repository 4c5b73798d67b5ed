#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# alert-log.sh - (guest only) Pacemaker alert agent of the cluster tests.
#
# Configured with `pcs alert create path=... meta timestamp-format=%s.%06N`
# and `pcs alert recipient add ALERT value=FILE`: Pacemaker runs it (as
# hacluster, in the node that saw the event) for every node, fencing and
# resource event, and it appends one line to FILE:
#   EPOCH.USEC OBSERVER KIND NODE RSC TASK RC DESC...
# (empty fields as "-"). Tests wait on these lines instead of polling
# crm_mon: reading a file costs nothing, every crm_mon run ~1 s of CPU here.
[[ -n ${CRM_alert_recipient:-} ]] || exit 0
# One field per word, builtins only (this runs for every event).
fields=()
for v in "$HOSTNAME" "${CRM_alert_kind:-}" "${CRM_alert_node:-}" "${CRM_alert_rsc:-}" \
    "${CRM_alert_task:-}" "${CRM_alert_rc:-}"; do
    v=${v//[[:space:]]/_}
    fields+=("${v:--}")
done
desc=${CRM_alert_desc:--}
printf '%s %s %s\n' "${CRM_alert_timestamp:-0}" "${fields[*]}" "${desc//$'\n'/ }" >>"$CRM_alert_recipient"
