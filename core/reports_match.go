package core

import "time"

// Which records a report reads, by the filter's rules (see ReportFilter):
// the period by the record's own date, the person responsible (a deal's
// or client's manager, a task's assignee, a request's requester, a
// document's deal's manager, a control result's author), the client, a
// deal's stage, and the status as the exports read it (statusCode: the
// entity's own statuses and open, closed, overdue, late).

// statusOf is the code of the filter's status for an entity's records: ""
// when the filter names none; EINVALID when the entity has no such status.
func (r *reportRun) statusOf(e ReportEntity) (string, error) {
	if r.f.Status == "" {
		return "", nil
	}
	if c, ok := statusCode(e, r.f.Status); ok {
		return c, nil
	}
	return "", r.s.statusErr(r.lang, e, r.f.Status)
}

// dealHasStatus reports whether a deal at the stage has the status code:
// open, closed, won or lost; "" is any.
func dealHasStatus(st Stage, code string) bool {
	switch code {
	case "":
		return true
	case statusOpen:
		return !st.Closed()
	case statusClosed:
		return st.Closed()
	}
	return string(st) == code
}

// taskStatus reports whether a task has the status code at now.
func taskStatus(t *Task, code string, now time.Time) bool {
	switch code {
	case "":
		return true
	case statusOverdue:
		return t.Overdue(now)
	}
	return string(t.Status) == code
}

// requestStatus reports whether a request has the status code at now.
func requestStatus(q *Request, code string, now time.Time) bool {
	switch code {
	case "":
		return true
	case statusOpen:
		return !q.Status.Closed()
	case statusClosed:
		return q.Status.Closed()
	case statusOverdue:
		return RequestOverdue(q, now)
	}
	return string(q.Status) == code
}

// clientStatus reports whether a card has the status code: its
// verification's, or merged.
func clientStatus(c *Client, code string) bool {
	switch code {
	case "":
		return true
	case "merged":
		return c.MergedInto != 0
	}
	return string(c.Verification.Status) == code
}

// controlStatus reports whether a control result has the status code: its
// outcome, or late.
func controlStatus(c *ControlResult, code string) bool {
	switch code {
	case "":
		return true
	case statusLate:
		return c.Late
	}
	return string(c.Outcome) == code
}

// dealFits reports whether a deal passes the filter but for its period
// and status.
func (r *reportRun) dealFits(d *Deal) bool {
	return r.person(d.ManagerID) && (r.f.ClientID == 0 || d.ClientID == r.f.ClientID) &&
		(r.f.Stage == "" || d.Stage == r.f.Stage)
}

// linked reports whether a record about a client and a deal passes the
// filter's client and stage: the client is the record's own or its
// deal's, the stage its deal's.
func (r *reportRun) linked(clientID int64, d *Deal) bool {
	if r.f.Stage != "" && (d == nil || d.Stage != r.f.Stage) {
		return false
	}
	return r.f.ClientID == 0 || clientID == r.f.ClientID || d != nil && d.ClientID == r.f.ClientID
}

// linkedDeal reads the deal of a record (0: none) when the filter needs
// it to decide, and says whether the record passes linked.
func (r *reportRun) linkedDeal(deals map[int64]*Deal, clientID, dealID int64) (bool, error) {
	if r.f.Stage == "" && (r.f.ClientID == 0 || clientID == r.f.ClientID) {
		return true, nil
	}
	var d *Deal
	if dealID != 0 {
		var err error
		if d, err = r.deal(deals, dealID); err != nil {
			return false, err
		}
	}
	return r.linked(clientID, d), nil
}
