extension Templates {
    static let pack = """
        <span class="caption">Prepared {{prepared}} by {{preparedBy}} · {{year}} to date</span>
        <h1 class="heading-l">Targeting support meeting pack: school {{urn}}</h1>
        <p class="body no-print"><a class="button button-secondary" href="/schools/{{urn}}/pack.pdf">Download as PDF</a></p>
        <h2 class="heading-m">How the school compares</h2>
        <div class="table-wrap"><table>
          <caption>The school beside {{laLabel}} and England ({{phase}} schools for absence; DfE 2023/24)</caption>
          <thead><tr><th scope="col">Measure</th><th scope="col" class="numeric">This school</th><th scope="col" class="numeric">{{laLabel}}</th><th scope="col" class="numeric">England</th></tr></thead>
          <tbody>{{#comparison}}<tr><th scope="row">{{label}}</th><td class="numeric">{{school}}</td><td class="numeric">{{la}}</td><td class="numeric">{{national}}</td></tr>{{/comparison}}</tbody>
        </table></div>
        {{#hasTrend}}<h2 class="heading-m">The last 12 school weeks</h2>
        <div class="chart-pair"><div>{{{chart}}}</div><div class="table-wrap"><table><caption>Figures behind the chart</caption>
          <thead><tr><th scope="col">Week starting</th><th scope="col" class="numeric">Attendance</th></tr></thead>
          <tbody>{{#trend}}<tr><td>{{week}}</td><td class="numeric">{{rate}}</td></tr>{{/trend}}</tbody></table></div></div>{{/hasTrend}}

        <h2 class="heading-m">Every severely absent pupil and their plan</h2>
        {{#severeNone}}<p class="body">No pupil is severely absent.</p>{{/severeNone}}
        {{^severeNone}}
        <div class="table-wrap"><table><caption class="visually-hidden">Severely absent pupils</caption>
          <thead><tr><th scope="col">Pupil (UPN)</th><th scope="col">Year</th><th scope="col" class="numeric">Attendance</th><th scope="col">Case and stage</th><th scope="col">Plan</th><th scope="col">Caseworker</th><th scope="col">Lead professional</th><th scope="col">Flags</th></tr></thead>
          <tbody>{{#severeRows}}<tr class="pack-pupil"><td>{{upn}}</td><td>{{year}}</td><td class="numeric">{{rate}}</td><td>{{#hasCase}}<a href="/cases/{{caseId}}">{{caseId}}</a> {{/hasCase}}{{stage}}</td><td>{{plan}}</td><td>{{caseworker}}</td><td>{{lead}}</td><td>{{flags}}</td></tr>{{/severeRows}}</tbody>
        </table></div>
        {{/severeNone}}

        <h2 class="heading-m">Persistently absent pupils who need a multi-agency response</h2>
        <p class="hint">Persistently absent (but not severely) with a social worker, in need, on a protection plan or looked after, or at stage 3 or beyond.</p>
        {{#multiAgencyNone}}<p class="body">None.</p>{{/multiAgencyNone}}
        {{^multiAgencyNone}}
        <div class="table-wrap"><table><caption class="visually-hidden">Persistently absent pupils needing a multi-agency response</caption>
          <thead><tr><th scope="col">Pupil (UPN)</th><th scope="col">Year</th><th scope="col" class="numeric">Attendance</th><th scope="col">Case and stage</th><th scope="col">Plan</th><th scope="col">Caseworker</th><th scope="col">Flags</th></tr></thead>
          <tbody>{{#multiAgency}}<tr class="pack-pupil"><td>{{upn}}</td><td>{{year}}</td><td class="numeric">{{rate}}</td><td>{{#hasCase}}<a href="/cases/{{caseId}}">{{caseId}}</a> {{/hasCase}}{{stage}}</td><td>{{plan}}</td><td>{{caseworker}}</td><td>{{flags}}</td></tr>{{/multiAgency}}</tbody>
        </table></div>
        {{/multiAgencyNone}}
        """
}
