%dw 2.0
output application/json
var inv = payload[0]
---
{
	id: inv.Id,
	number: inv.Name,
	date: inv.Invoice_Date__c,
	status: inv.Status__c,
	total: inv.Total_Amount__c,
	lines: (inv.Invoice_Lines__r default []) map (l) -> {
		sku: l.Product__r.ProductCode,
		quantity: l.Quantity__c,
		amount: l.Amount__c
	}
}
