// Shared with the documents engine ({合同总金额|大写} in Word templates).
export { chineseAmount } from '@shared/chinese-amount'
