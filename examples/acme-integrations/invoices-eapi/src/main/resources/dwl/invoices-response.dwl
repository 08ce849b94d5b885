%dw 2.0
output application/json
---
payload map (inv) -> {
	id: inv.Id,
	number: inv.Name,
	date: inv.Invoice_Date__c,
	dueDate: inv.Due_Date__c,
	status: inv.Status__c,
	total: { amount: inv.Total_Amount__c, currency: inv.CurrencyIsoCode },
	partner: { id: inv.Account__r.Partner_Id__c, name: inv.Account__r.Name }
}
