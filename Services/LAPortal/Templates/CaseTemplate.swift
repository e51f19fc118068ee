extension Templates {
    static let caseView = """
        {{> errorSummary}}
        {{#hasNotice}}<div class="notification-banner" role="status"><h2>{{notice}}</h2></div>{{/hasNotice}}
        <span class="caption">Pupil {{upn}} · school <a href="/schools/{{school}}">{{school}}</a></span>
        <h1 class="heading-l">Case {{caseId}}</h1>
        <p class="body"><strong class="tag">Stage {{stage}}: {{stageTitle}}</strong> <strong class="tag tag-grey">{{status}}</strong>
          {{#high}}<strong class="tag tag-red">High urgency</strong>{{/high}} {{#severe}}<strong class="tag tag-red">Severe absence</strong>{{/severe}}
          {{#flags}}<strong class="tag tag-yellow">{{.}}</strong> {{/flags}}</p>
        <dl class="summary-list">
          <dt>Caseworker</dt><dd>{{caseworker}}</dd>
          <dt>Lead professional</dt><dd>{{lead}}</dd>
          <dt>Existing plan</dt><dd>{{plan}}</dd>
          <dt>Opened</dt><dd>{{openedAt}}</dd>
          {{#figures}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/figures}}
        </dl>

        <section class="section" aria-labelledby="weekly">
          <h2 class="heading-m" id="weekly">Attendance week by week</h2>
          {{#hasWeeks}}
          <div class="chart-pair">
            <div>{{{chart}}}</div>
            <div class="table-wrap"><table>
              <caption>Figures behind the chart</caption>
              <thead><tr><th scope="col">Week starting</th><th scope="col" class="numeric">Possible</th><th scope="col" class="numeric">Attended</th><th scope="col" class="numeric">Unauthorised</th><th scope="col" class="numeric">Attendance</th></tr></thead>
              <tbody>{{#weeks}}<tr><td>{{week}}</td><td class="numeric">{{possible}}</td><td class="numeric">{{attended}}</td><td class="numeric">{{unauthorised}}</td><td class="numeric">{{rate}}</td></tr>{{/weeks}}</tbody>
            </table></div>
          </div>
          {{/hasWeeks}}
          {{^hasWeeks}}<p class="body">No weekly figures to show.</p>{{/hasWeeks}}
        </section>

        <section class="section" aria-labelledby="signals">
          <h2 class="heading-m" id="signals">Signals and their evidence</h2>
          {{^hasSignals}}<p class="body">No signals to show.</p>{{/hasSignals}}
          {{#signals}}
          <details>
            <summary>{{kind}}, {{asOf}}: {{reason}}</summary>
            {{#hasSessions}}<div class="table-wrap"><table><caption class="visually-hidden">Marks behind the signal</caption>
              <thead><tr><th scope="col">Date</th><th scope="col">Session</th><th scope="col">Code</th></tr></thead>
              <tbody>{{#sessions}}<tr><td>{{date}}</td><td>{{session}}</td><td>{{code}}</td></tr>{{/sessions}}</tbody></table></div>{{/hasSessions}}
            {{^hasSessions}}<p class="body">The figures above are the evidence.</p>{{/hasSessions}}
          </details>
          {{/signals}}
        </section>

        <section class="section" aria-labelledby="checklists">
          <h2 class="heading-m" id="checklists">Checklists</h2>
          {{#stages}}
          <h3 class="heading-s">Stage {{number}}: {{title}} ({{open}} not done)</h3>
          <ul class="checklist">
            {{#items}}<li><span>{{question}} <strong class="tag {{tagClass}}">{{state}}</strong></span>
              {{#isOpen}}{{#canWork}}<form method="post" action="/cases/{{caseId}}/checklist">
                <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="stage" value="{{stage}}"><input type="hidden" name="key" value="{{key}}"><input type="hidden" name="state" value="done">
                <button type="submit" class="button button-secondary" id="item-{{stage}}-{{key}}">Mark as done<span class="visually-hidden">: {{question}}</span></button>
              </form>{{/canWork}}{{/isOpen}}</li>{{/items}}
          </ul>
          {{/stages}}
          {{#canMove}}
          <form method="post" action="/cases/{{caseId}}/stage" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="form-group{{#stageError}} form-group-error{{/stageError}}">
              <label class="label" for="stage-to">Move the case to</label>
              {{#stageError}}<p class="error-message" id="stage-to-error"><span class="visually-hidden">Error:</span> {{stageError}}</p>{{/stageError}}
              <select class="select" id="stage-to" name="to"{{#stageError}} aria-describedby="stage-to-error"{{/stageError}}>
                <option value="{{nextStage}}">Stage {{nextStage}}: {{nextTitle}}</option>
              </select>
            </div>
            <button type="submit" class="button" id="move-stage">Move to stage {{nextStage}}</button>
          </form>
          {{/canMove}}
        </section>

        {{#canOversee}}
        <section class="section" aria-labelledby="oversight">
          <h2 class="heading-m" id="oversight">Management oversight</h2>
          <form method="post" action="/cases/{{caseId}}/oversight" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="form-group{{#decisionError}} form-group-error{{/decisionError}}">
              <label class="label" for="oversight-decision">Decision</label>
              {{#decisionError}}<p class="error-message" id="oversight-decision-error"><span class="visually-hidden">Error:</span> {{decisionError}}</p>{{/decisionError}}
              <select class="select" id="oversight-decision" name="decision"{{#decisionError}} aria-describedby="oversight-decision-error"{{/decisionError}}>
                <option value="">Choose</option>{{#decisions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/decisions}}
              </select>
            </div>
            <div class="form-group{{#rationaleError}} form-group-error{{/rationaleError}}">
              <label class="label" for="oversight-rationale">Reasons</label>
              {{#rationaleError}}<p class="error-message" id="oversight-rationale-error"><span class="visually-hidden">Error:</span> {{rationaleError}}</p>{{/rationaleError}}
              <textarea class="textarea" id="oversight-rationale" name="rationale" rows="4"{{#rationaleError}} aria-describedby="oversight-rationale-error"{{/rationaleError}}>{{formRationale}}</textarea>
            </div>
            <button type="submit" class="button" id="record-oversight">Record oversight</button>
          </form>
        </section>
        {{/canOversee}}

        <section class="section" aria-labelledby="chronology">
          <h2 class="heading-m" id="chronology">Chronology</h2>
          {{#canRecord}}
          <form method="post" action="/cases/{{caseId}}/chronology" novalidate>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="form-group{{#typeError}} form-group-error{{/typeError}}">
              <label class="label" for="entry-type">Kind of entry</label>
              {{#typeError}}<p class="error-message" id="entry-type-error"><span class="visually-hidden">Error:</span> {{typeError}}</p>{{/typeError}}
              <select class="select" id="entry-type" name="type"{{#typeError}} aria-describedby="entry-type-error"{{/typeError}}><option value="">Choose</option>{{#entryTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/entryTypes}}</select>
            </div>
            <div class="form-group{{#summaryError}} form-group-error{{/summaryError}}">
              <label class="label" for="entry-summary">What happened</label>
              {{#summaryError}}<p class="error-message" id="entry-summary-error"><span class="visually-hidden">Error:</span> {{summaryError}}</p>{{/summaryError}}
              <textarea class="textarea" id="entry-summary" name="summary" rows="4"{{#summaryError}} aria-describedby="entry-summary-error"{{/summaryError}}>{{formSummary}}</textarea>
            </div>
            <div class="form-group">
              <label class="label" for="entry-outcome">Outcome (optional)</label>
              <input class="input" id="entry-outcome" name="outcome" type="text" value="{{formOutcome}}">
            </div>
            <div class="form-group{{#engagementError}} form-group-error{{/engagementError}}">
              <label class="label" for="entry-engagement">Parent's engagement (optional)</label>
              {{#engagementError}}<p class="error-message" id="entry-engagement-error"><span class="visually-hidden">Error:</span> {{engagementError}}</p>{{/engagementError}}
              <select class="select" id="entry-engagement" name="parentEngagement"{{#engagementError}} aria-describedby="entry-engagement-error"{{/engagementError}}><option value="">Not recorded</option>{{#engagements}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/engagements}}</select>
            </div>
            <button type="submit" class="button" id="add-entry">Add to chronology</button>
          </form>
          {{/canRecord}}
          <ol class="timeline" reversed>
            {{#entries}}<li><strong>{{type}}</strong>: {{summary}}{{#outcome}} ({{outcome}}){{/outcome}}<span class="meta">{{at}}, {{actor}} ({{role}})</span></li>{{/entries}}
          </ol>
        </section>

        <section class="section" aria-labelledby="tasks">
          <h2 class="heading-m" id="tasks">Tasks and timers</h2>
          <div class="table-wrap"><table><caption class="visually-hidden">Open tasks</caption>
            <thead><tr><th scope="col">Task</th><th scope="col">Due</th><th scope="col">When</th></tr></thead>
            <tbody>{{#tasks}}<tr><td>{{detail}}</td><td>{{due}}</td><td>{{timer}}</td></tr>{{/tasks}}</tbody></table></div>
        </section>

        <section class="section" aria-labelledby="support">
          <h2 class="heading-m" id="support">Support offered, targets and interventions</h2>
          <div class="table-wrap"><table><caption>Support offers</caption>
            <thead><tr><th scope="col">Support</th><th scope="col">Offered to</th><th scope="col">Offered</th><th scope="col">Response</th></tr></thead>
            <tbody>{{#offers}}<tr><td>{{what}}</td><td>{{who}}</td><td>{{offered}}</td><td>{{response}}</td></tr>{{/offers}}</tbody></table></div>
          <div class="table-wrap"><table><caption>Targets</caption>
            <thead><tr><th scope="col">Owner</th><th scope="col">Target</th><th scope="col">Measure</th><th scope="col">Due</th><th scope="col">Review</th></tr></thead>
            <tbody>{{#targets}}<tr><td>{{owner}}</td><td>{{description}}</td><td>{{measure}}</td><td>{{due}}</td><td>{{result}}</td></tr>{{/targets}}</tbody></table></div>
          <div class="table-wrap"><table><caption>Legal interventions</caption>
            <thead><tr><th scope="col">Intervention</th><th scope="col">State</th><th scope="col">Issued</th><th scope="col">Ends</th><th scope="col">Timer</th></tr></thead>
            <tbody>{{#interventions}}<tr><td>{{kind}}</td><td>{{state}}</td><td>{{issued}}</td><td>{{ends}}</td><td>{{timer}}</td></tr>{{/interventions}}</tbody></table></div>
          <div class="table-wrap"><table><caption>Referrals to the AttendancePathway panel</caption>
            <thead><tr><th scope="col">Referral</th><th scope="col">State</th><th scope="col">Booked for</th><th scope="col">Outcome</th></tr></thead>
            <tbody>{{#referrals}}<tr><td>{{id}}</td><td>{{state}}</td><td>{{booked}}</td><td>{{outcome}}</td></tr>{{/referrals}}</tbody></table></div>
        </section>

        {{#messagesShown}}
        <section class="section" aria-labelledby="messages">
          <h2 class="heading-m" id="messages">Messages sent</h2>
          {{^hasMessages}}<p class="body">No messages about this pupil.</p>{{/hasMessages}}
          {{#hasMessages}}<div class="table-wrap"><table><caption class="visually-hidden">Messages</caption>
            <thead><tr><th scope="col">Message</th><th scope="col">To</th><th scope="col">Channel</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
            <tbody>{{#messages}}<tr><td>{{kind}}</td><td>{{audience}}</td><td>{{channel}}</td><td>{{to}}</td><td>{{status}}</td><td>{{at}}</td></tr>{{/messages}}</tbody></table></div>{{/hasMessages}}
        </section>
        {{/messagesShown}}
        """
}
