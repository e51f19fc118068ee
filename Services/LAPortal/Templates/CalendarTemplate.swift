extension Templates {
    static let calendar = """
        {{> errorSummary}}
        {{#hasNotice}}<div class="notification-banner" role="status"><h2>{{notice}}</h2></div>{{/hasNotice}}
        <h1 class="heading-l">AttendancePathway panel calendar</h1>
        <section class="section" aria-labelledby="requests">
          <h2 class="heading-m" id="requests">Referrals waiting</h2>
          {{#noRequests}}<p class="body">No referrals are waiting.</p>{{/noRequests}}
          {{^noRequests}}
          <div class="table-wrap"><table><caption class="visually-hidden">Referrals waiting</caption>
            <thead><tr><th scope="col">Referral</th><th scope="col">Case</th><th scope="col">State</th><th scope="col">Received</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
            <tbody>{{#requests}}<tr><td>{{referral}}{{#breach}} <strong class="tag tag-red">Not booked in time</strong>{{/breach}}</td><td>{{caseId}}</td><td>{{state}}</td><td>{{received}}</td>
              <td>{{#canAccept}}<form method="post" action="/calendar/requests/{{referral}}/accept"><input type="hidden" name="csrf" value="{{csrf}}"><button class="button button-secondary" type="submit">Accept<span class="visually-hidden"> {{referral}}</span></button></form>{{/canAccept}}</td></tr>{{/requests}}</tbody>
          </table></div>
          {{/noRequests}}
        </section>
        <section class="section" aria-labelledby="sessions">
          <h2 class="heading-m" id="sessions">Sessions</h2>
          {{#noSessions}}<p class="body">No sessions are planned.</p>{{/noSessions}}
          {{#sessions}}
          <h3 class="heading-s">{{starts}} to {{ends}} · {{booked}} of {{capacity}} slots booked · chair {{chair}}</h3>
          {{#empty}}<p class="body">Nothing booked.</p>{{/empty}}
          {{^empty}}
          <div class="table-wrap"><table><caption class="visually-hidden">Bookings on {{starts}}</caption>
            <thead><tr><th scope="col">Slot</th><th scope="col">Case</th><th scope="col">Status</th></tr></thead>
            <tbody>{{#bookings}}<tr><td>{{slot}}</td><td>{{caseId}}</td><td>{{status}}</td></tr>{{/bookings}}</tbody>
          </table></div>
          {{#bookings}}{{#canRecord}}
          <details{{#hasError}} open{{/hasError}}>
            <summary>Record the outcome for case {{caseId}}</summary>
            <form method="post" action="/calendar/bookings/{{bookingId}}/outcome" novalidate>
              <input type="hidden" name="csrf" value="{{csrf}}">
              <div class="form-group{{#outcomeError}} form-group-error{{/outcomeError}}">
                <label class="label" for="outcome-{{bookingId}}">Outcome</label>
                {{#outcomeError}}<p class="error-message" id="outcome-{{bookingId}}-error"><span class="visually-hidden">Error:</span> {{outcomeError}}</p>{{/outcomeError}}
                <select class="select" id="outcome-{{bookingId}}" name="outcome"{{#outcomeError}} aria-describedby="outcome-{{bookingId}}-error"{{/outcomeError}}><option value="">Choose</option>{{#outcomes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/outcomes}}</select>
              </div>
              <div class="form-group{{#rationaleError}} form-group-error{{/rationaleError}}">
                <label class="label" for="rationale-{{bookingId}}">Reasons</label>
                {{#rationaleError}}<p class="error-message" id="rationale-{{bookingId}}-error"><span class="visually-hidden">Error:</span> {{rationaleError}}</p>{{/rationaleError}}
                <textarea class="textarea" id="rationale-{{bookingId}}" name="rationale" rows="3"{{#rationaleError}} aria-describedby="rationale-{{bookingId}}-error"{{/rationaleError}}>{{formRationale}}</textarea>
              </div>
              <div class="form-group{{#recommendationError}} form-group-error{{/recommendationError}}">
                <label class="label" for="recommendation-{{bookingId}}">A recommendation (needed for further recommendations)</label>
                {{#recommendationError}}<p class="error-message" id="recommendation-{{bookingId}}-error"><span class="visually-hidden">Error:</span> {{recommendationError}}</p>{{/recommendationError}}
                <input class="input" id="recommendation-{{bookingId}}" name="recommendation" type="text" value="{{formRecommendation}}"{{#recommendationError}} aria-describedby="recommendation-{{bookingId}}-error"{{/recommendationError}}>
              </div>
              <div class="form-group">
                <label class="label" for="owner-{{bookingId}}">Who owns it</label>
                <select class="select" id="owner-{{bookingId}}" name="owner">{{#owners}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/owners}}</select>
              </div>
              <div class="form-group{{#dueError}} form-group-error{{/dueError}}">
                <label class="label" for="due-{{bookingId}}">Due by (for example 2027-01-31)</label>
                {{#dueError}}<p class="error-message" id="due-{{bookingId}}-error"><span class="visually-hidden">Error:</span> {{dueError}}</p>{{/dueError}}
                <input class="input" id="due-{{bookingId}}" name="due" type="text" inputmode="numeric" value="{{formDue}}"{{#dueError}} aria-describedby="due-{{bookingId}}-error"{{/dueError}}>
              </div>
              <button type="submit" class="button" id="record-{{bookingId}}">Record outcome</button>
            </form>
          </details>
          {{/canRecord}}{{/bookings}}
          {{/empty}}
          {{/sessions}}
        </section>
        """
}
